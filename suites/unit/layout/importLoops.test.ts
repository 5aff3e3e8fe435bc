import * as assert from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = join(__dirname, '../../../../src');

/** Each top-level folder of src/ is one node (`debug/`), each file at the top one node (`ids.ts`). */
function folderImports(src: string): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  const node = (file: string) => {
    const parts = relative(src, file).split(sep);
    return parts.length > 1 ? `${parts[0]}/` : parts[0];
  };
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]);
      const [from, to] = [node(file), node(target.endsWith('.ts') ? target : `${target}.ts`)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, relative(src, file));
      edges.set(from, out);
    }
  }
  return edges;
}

/** The loops: every folder reached again from itself, with the files that close the loop. */
function importLoops(edges: Map<string, Map<string, string>>): string[] {
  const loops = new Set<string>();
  for (const start of edges.keys()) {
    const seen = new Set<string>();
    const walk = (at: string, path: string[]): void => {
      for (const [to, via] of edges.get(at) ?? []) {
        if (to === start) {
          const cycle = [...path, `${via} → ${to}`];
          loops.add(cycle.slice().sort().join(' | '));
        } else if (!seen.has(to)) {
          seen.add(to);
          walk(to, [...path, `${via} → ${to}`]);
        }
      }
    };
    walk(start, []);
  }
  return [...loops];
}

describe('layout: no import loops between the folders of src/', () => {
  it('finds a loop when there is one (the check itself)', () => {
    const edges = new Map([
      ['debug/', new Map([['django/', 'debug/register.ts']])],
      ['django/', new Map([['debug/', 'django/debugServer.ts']])],
    ]);
    assert.strictEqual(importLoops(edges).length, 1);
  });

  it('no folder of src/ imports a folder that imports it back (directly or through others)', () => {
    assert.deepStrictEqual(importLoops(folderImports(SRC)), []);
  });
});

/** The test runners' scripts (suites/host, suites/e2e, suites/dev): each .mjs file is one node. */
function scriptImports(suites: string): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const dir of ['host', 'e2e', 'dev'])
    for (const name of readdirSync(join(suites, dir))) {
      if (!name.endsWith('.mjs')) continue;
      const file = join(suites, dir, name);
      const from = relative(suites, file);
      for (const m of readFileSync(file, 'utf8').matchAll(/\bfrom\s*'(\.[^']+\.mjs)'/g)) {
        const out = edges.get(from) ?? new Map<string, string>();
        out.set(relative(suites, resolve(dirname(file), m[1])), from);
        edges.set(from, out);
      }
    }
  return edges;
}

describe("layout: no import loops between the test runners' scripts", () => {
  it('no script of suites/host, suites/e2e or suites/dev imports one that imports it back', () => {
    const edges = scriptImports(join(__dirname, '../../../../suites'));
    assert.ok(edges.get('host/teamFixture.mjs')?.has('host/codespaceFixture.mjs'), 'the graph is read');
    assert.deepStrictEqual(importLoops(edges), []);
  });
});

describe('layout: one of each helper', () => {
  it('no two files of src/ export a function of the same name (one stripAnsi, one crlf)', () => {
    const owners = new Map<string, string[]>();
    for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = join(entry.parentPath, entry.name);
      for (const m of readFileSync(file, 'utf8').matchAll(/^export (?:async )?function (\w+)/gm))
        owners.set(m[1], [...(owners.get(m[1]) ?? []), relative(SRC, file)]);
    }
    assert.deepStrictEqual(
      [...owners].filter(([, files]) => files.length > 1),
      [],
    );
  });
});
