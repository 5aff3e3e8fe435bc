import { existsSync, readFileSync } from 'node:fs';
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

/**
 * Parses ini text as pytest's `iniconfig` does: sections, `key = value` / `key: value`, indented continuation
 * lines. Linear in the text's length (indexOf and trims, no backtracking regex), whatever a line holds.
 */
export function parseIni(text: string): { sections: Map<string, Map<string, string>> } | { error: string } {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  // The line breaks of Python's `str.splitlines`, which iniconfig uses (a `\r`-only file is many lines).
  // eslint-disable-next-line no-control-regex -- these control characters are line breaks to Python
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    const content = line.trimStart();
    if (!content || content[0] === '#' || content[0] === ';') continue;
    if (content !== line) {
      if (!section || !lastKey) return { error: `line ${i + 1}: an indented line continues no value` };
      const prev = section.get(lastKey) ?? '';
      section.set(lastKey, prev ? `${prev}\n${content}` : content);
      continue;
    }
    const name = sectionName(line);
    if (name !== undefined) {
      if (sections.has(name)) return { error: `line ${i + 1}: section [${shown(name)}] appears twice` };
      section = new Map();
      sections.set(name, section);
      lastKey = undefined;
      continue;
    }
    const kv = keyValue(line);
    if (!kv) return { error: `line ${i + 1}: "${shown(line)}" is neither a [section] nor a key = value` };
    const [key, value] = kv;
    if (!section) return { error: `line ${i + 1}: "${shown(key)}" comes before any [section]` };
    if (section.has(key)) return { error: `line ${i + 1}: "${shown(key)}" is set twice` };
    section.set(key, value);
    lastKey = key;
  }
  return { sections };
}

/** `[name]`, optionally followed by a comment; undefined for any other line. */
function sectionName(line: string): string | undefined {
  if (line[0] !== '[') return undefined;
  const close = line.indexOf(']');
  if (close < 2) return undefined;
  const rest = line.slice(close + 1).trimStart();
  return rest === '' || rest[0] === '#' || rest[0] === ';' ? line.slice(1, close) : undefined;
}

/** `key = value` or `key: value`, split at the first `=` or `:`; undefined when there is no key. */
function keyValue(line: string): [string, string] | undefined {
  const eq = line.indexOf('=');
  const colon = line.indexOf(':');
  const sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  if (sep <= 0) return undefined;
  return [line.slice(0, sep).trimEnd(), line.slice(sep + 1).trimStart()];
}

/** A line or name quoted in an error message, cut so a huge line cannot make a huge message. */
function shown(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Reads the rules of one `pytest.ini` (a `[pytest]` section; an empty file means the defaults). */
export async function readPytestIni(path: string): Promise<IniResult> {
  const rootdir = dirname(path);
  let text: string;
  try {
    // A few lines, read at once: an await on the disk waits behind every extension starting at activation.
    text = readFileSync(path, 'utf8');
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
