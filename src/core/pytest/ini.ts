import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { splitCommandLine } from '../variables';

/** The rules of a `pytest.ini` that decide which files, classes and functions hold tests. */
export interface PytestRules {
  pythonFiles: string[];
  pythonClasses: string[];
  pythonFunctions: string[];
  /** Relative to the rootdir; empty when unset. */
  testpaths: string[];
}

export const DEFAULT_RULES: PytestRules = {
  pythonFiles: ['test_*.py', '*_test.py'],
  pythonClasses: ['Test'],
  pythonFunctions: ['test'],
  testpaths: [],
};

export type IniResult =
  | { kind: 'ok'; path: string; rootdir: string; rules: PytestRules }
  | { kind: 'invalid'; path: string; rootdir: string; error: string }
  | { kind: 'missing' };

/** Parses ini text as pytest's `iniconfig` does: sections, `key = value` / `key: value`, indented continuation lines. */
export function parseIni(text: string): { sections: Map<string, Map<string, string>> } | { error: string } {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.replace(/\s+$/, '');
    if (!line.trim() || /^\s*[#;]/.test(line)) continue;
    if (/^\s/.test(line)) {
      if (!section || !lastKey) return { error: `line ${i + 1}: an indented line continues no value` };
      const prev = section.get(lastKey) ?? '';
      section.set(lastKey, prev ? `${prev}\n${line.trim()}` : line.trim());
      continue;
    }
    const head = /^\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(line);
    if (head) {
      if (sections.has(head[1])) return { error: `line ${i + 1}: section [${head[1]}] appears twice` };
      section = new Map();
      sections.set(head[1], section);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) return { error: `line ${i + 1}: "${line}" is neither a [section] nor a key = value` };
    if (!section) return { error: `line ${i + 1}: "${kv[1]}" comes before any [section]` };
    if (section.has(kv[1])) return { error: `line ${i + 1}: "${kv[1]}" is set twice` };
    section.set(kv[1], kv[2]);
    lastKey = kv[1];
  }
  return { sections };
}

/** Reads the rules of one `pytest.ini` (a `[pytest]` section; an empty file means the defaults). */
export async function readPytestIni(path: string): Promise<IniResult> {
  const rootdir = dirname(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { kind: 'invalid', path, rootdir, error: `cannot read it: ${(e as Error).message}` };
  }
  return rulesFromIniText(text, path);
}

export function rulesFromIniText(text: string, path: string): IniResult {
  const rootdir = dirname(path);
  const parsed = parseIni(text);
  if ('error' in parsed) return { kind: 'invalid', path, rootdir, error: parsed.error };
  const s = parsed.sections.get('pytest');
  const list = (key: string, fallback: string[]) => {
    const v = s?.get(key);
    return v === undefined ? fallback : splitCommandLine(v.replace(/\n/g, ' '));
  };
  return {
    kind: 'ok',
    path,
    rootdir,
    rules: {
      pythonFiles: list('python_files', DEFAULT_RULES.pythonFiles),
      pythonClasses: list('python_classes', DEFAULT_RULES.pythonClasses),
      pythonFunctions: list('python_functions', DEFAULT_RULES.pythonFunctions),
      testpaths: list('testpaths', []),
    },
  };
}

/** The `pytest.ini` that governs a file: the nearest one in its folder or above, not above `stopDir`. */
export function findGoverningIni(
  file: string,
  stopDir: string,
  exists: (p: string) => boolean = existsSync,
): string | undefined {
  let dir = dirname(file);
  for (;;) {
    const candidate = join(dir, 'pytest.ini');
    if (exists(candidate)) return candidate;
    const rel = relative(stopDir, dir);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
