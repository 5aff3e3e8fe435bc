import * as assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('shows the two commands for a fresh machine', () => {
    assert.match(readme, /`npm start`/);
    assert.match(readme, /`npm test`/);
  });

  it('lists every command by its palette title', () => {
    const missing = manifest.contributes.commands
      .map((c: { category: string; title: string }) => `${c.category}: ${c.title}`)
      .filter((t: string) => !readme.includes(t));
    assert.deepStrictEqual(missing, []);
  });

  it('lists every setting with its default', () => {
    const props = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
    const missing = Object.entries(props)
      .filter(([key, p]) => !readme.includes(`| \`${key}\` | \`${JSON.stringify(p.default)}\` |`))
      .map(([key]) => key);
    assert.deepStrictEqual(missing, []);
  });

  it('lists every view', () => {
    for (const view of manifest.contributes.views.codespaceTests)
      assert.ok(readme.includes(view.name), view.name);
  });

  it('lays out only files and folders that exist', () => {
    const block = /## How the code is laid out\n+```\n([\s\S]*?)\n```/.exec(readme);
    assert.ok(block, 'the layout section has a code block');
    const missing: string[] = [];
    const parents: { indent: number; dir: string }[] = [];
    for (const line of block[1].split('\n')) {
      const indent = line.length - line.trimStart().length;
      // The leading words that are paths (`core/`, `cli.ts`, `kube/ github/`); the rest describes them.
      const paths: string[] = [];
      for (const word of line.trim().split(/\s+/)) {
        if (!/^[\w.-]+(\/[\w.-]+)*(\/|\.(ts|py|mjs))$/.test(word)) break;
        paths.push(word);
      }
      if (!paths.length) continue; // a description carried over to the next line
      while (parents.length && parents[parents.length - 1].indent >= indent) parents.pop();
      const under = parents.map((p) => p.dir).join('');
      for (const p of paths) if (!existsSync(join(root, under, p))) missing.push(under + p);
      if (paths.length === 1 && paths[0].endsWith('/')) parents.push({ indent, dir: paths[0] });
    }
    assert.deepStrictEqual(missing, []);
  });

  it('shows only screenshots that exist', () => {
    for (const m of readme.matchAll(/\]\((media\/[^)]+\.png)\)/g)) {
      assert.doesNotThrow(() => readFileSync(join(root, m[1])), m[1]);
    }
  });
});

describe('README: the command line', () => {
  it('documents every verb of codespace-tests and each of its flags', async () => {
    const { VERBS } = await import('../../src/cli/verbs');
    const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('## Troubleshooting'));
    assert.ok(section.length > 100, 'a Command line section before Troubleshooting');
    for (const verb of VERBS) {
      assert.ok(section.includes(`\`${verb.name} `), `verb ${verb.name}`);
      for (const flag of Object.keys(verb.options))
        assert.ok(section.includes(`--${flag}`), `${verb.name} --${flag}`);
    }
  });
});
