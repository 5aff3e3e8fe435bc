import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Who owns Django during a test run.
 * - `shared`: the extension starts one Django and hands its URL and API key to the session.
 * - `session`: the test session starts its own Django, as on CI; the extension only keeps the port free.
 */
type DjangoMode = 'shared' | 'session';
/** The setting `codespaceTests.django.mode`: `auto` picks by reading the governing conftest files. */
export type DjangoModeSetting = 'auto' | DjangoMode;

export interface ModeChoice {
  mode: DjangoMode;
  setting: DjangoModeSetting;
  /** Why, in one sentence a person can act on. */
  reason: string;
  /** The conftest files that decided (`auto`): those that read the URL variable, or all that were read. */
  conftests: string[];
}

export function isModeSetting(value: unknown): value is DjangoModeSetting {
  return value === 'auto' || value === 'shared' || value === 'session';
}

/**
 * The conftest.py files that govern tests run with this pytest.ini: the one in its folder (pytest's
 * rootdir under `-c`) and those in its parents up to the workspace folder. Nearest first.
 */
export function governingConftests(ini: string, workspace: string): string[] {
  const top = resolve(workspace);
  const out: string[] = [];
  let dir = dirname(resolve(ini));
  for (;;) {
    out.push(join(dir, 'conftest.py'));
    if (dir === top || !isInside(dir, top)) break;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/**
 * Whether Python source reads an environment variable: the name as a whole string literal
 * (`os.environ.get("X")`, `os.getenv('X')`, `os.environ["X"]`). A mention in a comment or a
 * docstring sentence does not count. Linear time: one scan for the quoted name.
 */
export function readsVariable(source: string, name: string): boolean {
  for (const q of ['"', "'"]) {
    const needle = `${q}${name}${q}`;
    let at = source.indexOf(needle);
    while (at >= 0) {
      if (!inComment(source, at)) return true;
      at = source.indexOf(needle, at + needle.length);
    }
  }
  return false;
}

/** Whether a `#` starts a comment before `at` on the same line (a `#` inside a string is rare enough to ignore). */
function inComment(source: string, at: number): boolean {
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  return source.slice(lineStart, at).includes('#');
}

/** Reads a file, or undefined when it is missing or unreadable. */
type ReadText = (path: string) => Promise<string | undefined>;

const readTextOrUndefined: ReadText = async (path) => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Resolves the mode for the pytest.ini files a run (or a folder) uses. `auto` means `shared` when a
 * governing conftest reads `urlEnvVar`, and `session` otherwise.
 */
export async function chooseDjangoMode(opts: {
  setting: DjangoModeSetting;
  urlEnvVar: string;
  inis: readonly string[];
  workspace: string;
  read?: ReadText;
}): Promise<ModeChoice> {
  const { setting, urlEnvVar, workspace } = opts;
  if (setting === 'shared')
    return {
      mode: 'shared',
      setting,
      conftests: [],
      reason: `codespaceTests.django.mode is "shared": the extension starts Django and passes ${urlEnvVar} to the tests.`,
    };
  if (setting === 'session')
    return {
      mode: 'session',
      setting,
      conftests: [],
      reason:
        'codespaceTests.django.mode is "session": the test session starts its own Django; the extension only keeps the port free.',
    };
  const read = opts.read ?? readTextOrUndefined;
  const seen = new Set<string>();
  const found: string[] = [];
  const readers: string[] = [];
  for (const ini of opts.inis) {
    for (const conftest of governingConftests(ini, workspace)) {
      if (seen.has(conftest)) continue;
      seen.add(conftest);
      const text = await read(conftest);
      if (text === undefined) continue;
      found.push(conftest);
      if (readsVariable(text, urlEnvVar)) readers.push(conftest);
    }
  }
  const shown = (files: string[]) => files.map((f) => relative(workspace, f) || f).join(', ');
  if (readers.length)
    return {
      mode: 'shared',
      setting,
      conftests: readers,
      reason: `auto: ${shown(readers)} reads ${urlEnvVar}, so the tests share the Django the extension starts.`,
    };
  if (!opts.inis.length)
    return {
      mode: 'session',
      setting,
      conftests: [],
      reason: 'auto: no pytest.ini found yet, so the test session is left to start its own Django.',
    };
  return {
    mode: 'session',
    setting,
    conftests: found,
    reason: found.length
      ? `auto: no governing conftest.py reads ${urlEnvVar} (read ${shown(found)}), so the test session starts its own Django.`
      : `auto: no conftest.py governs the tests, so nothing reads ${urlEnvVar}; the test session starts its own Django.`,
  };
}

/** One line for the status bar tooltip and the output: "Django mode: session (auto: …)". */
export function describeMode(choice: ModeChoice): string {
  return `Django mode: ${choice.mode} (${choice.reason})`;
}
