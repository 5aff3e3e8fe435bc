import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { expandVariables, splitCommandLine } from '../variables';
import { fnmatch } from '../glob';
import { parseIni } from './ini';

/** The Python extension's test settings (`python.testing.*`) that decide what its pytest discovery collects. */
export interface PythonTestingSettings {
  pytestEnabled: boolean;
  pytestArgs: string[];
  /** `python.testing.cwd`, expanded; empty: the workspace folder. */
  cwd: string;
}

/** What the disk holds, as the decision reads it (the real disk, or a table in unit tests). */
export interface ConfigFiles {
  read(path: string): string | undefined;
  isDir(path: string): boolean;
}

const diskFiles: ConfigFiles = {
  read: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  isDir: (p) => existsSync(p) && statSync(p).isDirectory(),
};

/** The pytest arguments that decide which files are collected, read as pytest's own parser would. */
interface CollectArgs {
  paths: string[];
  inifile?: string;
  rootdir?: string;
  ignores: string[];
  ignoreGlobs: string[];
  /** An argument whose effect a static read cannot know (a plugin, `-o`, `-m`…): then pytest itself decides. */
  unsure?: string;
}

/** Options whose value is the next word (or follows `=`). */
// prettier-ignore
const TAKES_VALUE = new Set([
  '-c', '--rootdir', '--ignore', '--ignore-glob', '-k', '-m', '--deselect', '-p', '-o', '--override-ini',
  '--confcutdir', '--basetemp', '-W', '--pythonwarnings', '--log-level', '--log-cli-level', '--log-file',
  '--log-format', '--junitxml', '--junit-xml', '--tb', '--maxfail', '--import-mode', '--cov', '--cov-report',
  '--ds', '--dc', '-n', '--durations', '--color', '--capture', '--config-file', '--inifile',
]);
/** Options that change what is collected in ways only pytest knows. */
const UNSURE = new Set(['-k', '-m', '--deselect', '-o', '--override-ini', '--pyargs', '--confcutdir']);

export function readCollectArgs(args: readonly string[]): CollectArgs {
  const out: CollectArgs = { paths: [], ignores: [], ignoreGlobs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      out.paths.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const shortGlued = /^-[cpkmoW]./.test(arg) && eq < 0;
    const name = shortGlued ? arg.slice(0, 2) : eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined;
    if (shortGlued) value = arg.slice(2);
    else if (eq > 0) value = arg.slice(eq + 1);
    else if (TAKES_VALUE.has(name)) value = args[++i];
    else if (args[i + 1] !== undefined && !args[i + 1].startsWith('-') && !/^-[a-z]*$/.test(name)) {
      // An option this read does not know, followed by a word: a value or a path, only pytest knows.
      out.unsure ??= `pytestArgs has ${arg} ${args[i + 1]}`;
    }
    if (value === undefined && TAKES_VALUE.has(name)) {
      out.unsure ??= `pytestArgs ends with ${arg} and no value`;
      continue;
    }
    if (name === '-c' || name === '--config-file' || name === '--inifile') out.inifile = value;
    else if (name === '--rootdir') out.rootdir = value;
    else if (name === '--ignore') out.ignores.push(value!);
    else if (name === '--ignore-glob') out.ignoreGlobs.push(value!);
    else if (name === '-p' && !value!.startsWith('no:'))
      out.unsure ??= `pytestArgs loads the plugin ${value}`;
    else if (UNSURE.has(name))
      out.unsure ??= `pytestArgs has ${value === undefined ? name : `${name} ${value}`}`;
  }
  return out;
}

/** pytest's configuration file and what it says about collection. */
interface PytestConfig {
  /** Undefined when no file is found (pytest's defaults). */
  inifile?: string;
  rootdir: string;
  testpaths: string[];
  pythonFiles: string[];
  norecursedirs: string[];
  addopts: string[];
  unsure?: string;
}

const DEFAULT_NORECURSE = ['*.egg', '.*', '_darcs', 'build', 'CVS', 'dist', 'node_modules', 'venv', '{arch}'];
const DEFAULT_PYTHON_FILES = ['test_*.py', '*_test.py'];

/** The `[pytest]`-like section of a candidate file, as pytest's `locate_config` accepts it; undefined: not a config. */
function configSection(
  path: string,
  files: ConfigFiles,
): { values: Map<string, string>; unsure?: string } | undefined {
  const text = files.read(path);
  if (text === undefined) return undefined;
  const name = basename(path);
  if (name === 'pyproject.toml') return pyprojectSection(text);
  const parsed = parseIni(text);
  const section = name === 'setup.cfg' ? 'tool:pytest' : 'pytest';
  if ('error' in parsed) {
    // pytest.ini is the config even when pytest cannot read it; others are then skipped by this read.
    return name === 'pytest.ini' || name === '.pytest.ini'
      ? { values: new Map(), unsure: `${path} cannot be read as ini (${parsed.error})` }
      : undefined;
  }
  const values = parsed.sections.get(section);
  if (values) return { values };
  return name === 'pytest.ini' || name === '.pytest.ini' ? { values: new Map() } : undefined;
}

/** The configuration keys this read follows; another key's value (a number, a table) does not matter here. */
const COLLECTION_KEYS = new Set(['testpaths', 'python_files', 'norecursedirs', 'addopts']);

/**
 * `[tool.pytest.ini_options]` of a pyproject.toml: strings and arrays of strings, the shapes pytest's own
 * options take. A value this read cannot follow makes the answer unsure rather than wrong.
 */
export function pyprojectSection(text: string): { values: Map<string, string>; unsure?: string } | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*\[\s*tool\.pytest\.ini_options\s*\]\s*(#.*)?$/.test(l));
  if (start < 0) return undefined;
  const values = new Map<string, string>();
  let unsure: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith('[')) break;
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][\w-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (value.startsWith('['))
      while (!/\]\s*(#.*)?$/.test(value) && i + 1 < lines.length) value += ` ${lines[++i].trim()}`;
    const words = tomlStrings(value);
    if (words) values.set(m[1], words.join(' '));
    else if (COLLECTION_KEYS.has(m[1]))
      unsure ??= `pyproject.toml's ${m[1]} = ${value.slice(0, 60)} is not a string or a list of strings`;
  }
  return { values, unsure };
}

/** A TOML string or array of strings as words (each quoted for splitCommandLine); undefined for anything else. */
function tomlStrings(value: string): string[] | undefined {
  const v = value.replace(/\s+#[^"']*$/, '').trim();
  const items = v.startsWith('[') ? v.slice(1, v.lastIndexOf(']')).split(',') : [v];
  const out: string[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (!item) continue;
    const m = /^"([^"\\]*)"$|^'([^']*)'$/.exec(item);
    if (!m) return undefined;
    out.push(JSON.stringify(m[1] ?? m[2]));
  }
  return out;
}

const CANDIDATES = ['pytest.ini', '.pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'];

/** pytest's `determine_setup`: the inifile and rootdir for these arguments run in `cwd`. */
export function determineConfig(
  args: CollectArgs,
  cwd: string,
  files: ConfigFiles = diskFiles,
): PytestConfig {
  let inifile: string | undefined;
  let section: { values: Map<string, string>; unsure?: string } | undefined;
  let rootdir: string | undefined;
  if (args.inifile) {
    inifile = resolve(cwd, args.inifile);
    section = configSection(inifile, files) ?? { values: new Map() };
    rootdir = dirname(inifile);
  } else {
    const dirs = args.paths
      .map((p) => resolve(cwd, p.split('::')[0]))
      .map((p) => (files.isDir(p) ? p : dirname(p)));
    const ancestor = dirs.length ? commonAncestor(dirs) : cwd;
    for (let dir = ancestor; !inifile; dir = dirname(dir)) {
      for (const name of CANDIDATES) {
        const found = configSection(join(dir, name), files);
        if (found) {
          [inifile, section, rootdir] = [join(dir, name), found, dir];
          break;
        }
      }
      if (dirname(dir) === dir) break;
    }
    rootdir ??= commonAncestor([cwd, ancestor]);
  }
  if (args.rootdir) rootdir = resolve(cwd, args.rootdir);
  const values = section?.values ?? new Map<string, string>();
  const list = (key: string, fallback: string[]) => {
    const v = values.get(key);
    return v === undefined ? fallback : splitCommandLine(v.replace(/\n/g, ' '));
  };
  return {
    inifile,
    rootdir: rootdir!,
    testpaths: list('testpaths', []),
    pythonFiles: list('python_files', DEFAULT_PYTHON_FILES),
    norecursedirs: list('norecursedirs', DEFAULT_NORECURSE),
    addopts: list('addopts', []),
    unsure: section?.unsure,
  };
}

function commonAncestor(paths: readonly string[]): string {
  let common = paths[0];
  for (const p of paths.slice(1)) while (!within(p, common)) common = dirname(common);
  return common;
}

function within(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The Python extension's discovery against our test files: what a static read of pytest's rules says. */
type OverlapDecision =
  | { kind: 'off' }
  | { kind: 'overlap'; files: string[]; config: PytestConfig }
  | { kind: 'apart'; why: string; config: PytestConfig }
  | { kind: 'unsure'; why: string };

/**
 * Would `pytest --collect-only <pytestArgs>` run in `cwd` (what the Python extension's discovery runs)
 * collect any of `ours`? Decided as pytest decides: the config file and rootdir, `addopts`, the paths (else
 * `testpaths` when run from the rootdir, else `cwd`), `--ignore`, `--ignore-glob`, `norecursedirs` and
 * `python_files`. A conftest that can ignore files, or an argument only pytest knows, makes it unsure.
 */
export function decideOverlap(
  settings: PythonTestingSettings,
  workspace: string,
  ours: readonly string[],
  files: ConfigFiles = diskFiles,
): OverlapDecision {
  if (!settings.pytestEnabled) return { kind: 'off' };
  const cwd = pythonTestsCwd(settings, workspace);
  const pytestArgs = expandVariables(settings.pytestArgs, workspace);
  const given = readCollectArgs(pytestArgs);
  const config = determineConfig(given, cwd, files);
  // addopts come first, as pytest puts them before the command line.
  const args = readCollectArgs([...config.addopts, ...pytestArgs]);
  const unsure = args.unsure ?? config.unsure;
  if (unsure) return { kind: 'unsure', why: unsure };
  let roots = args.paths.map((p) => resolve(cwd, p.split('::')[0]));
  if (!roots.length && cwd === config.rootdir && config.testpaths.length) {
    if (config.testpaths.some((p) => /[*?[]/.test(p)))
      return { kind: 'unsure', why: `testpaths has a glob (${config.testpaths.join(' ')})` };
    roots = config.testpaths.map((p) => resolve(cwd, p));
  }
  if (!roots.length) roots = [cwd];
  const ignores = args.ignores.map((p) => resolve(cwd, p));
  const ignoreGlobs = args.ignoreGlobs.map((g) => resolve(cwd, g));
  const collected: string[] = [];
  for (const file of ours) {
    const root = roots.find((r) => within(file, r));
    if (!root) continue;
    if (ignores.some((i) => within(file, i)) || ignoreGlobs.some((g) => fnmatch(file, g))) continue;
    const dirs = relative(root, dirname(file)).split(/[\\/]/).filter(Boolean);
    if (dirs.some((d) => config.norecursedirs.some((pattern) => fnmatch(d, pattern)))) continue;
    if (root !== file && !config.pythonFiles.some((p) => fnmatch(p.includes('/') ? file : basename(file), p)))
      continue;
    const conftest = ignoringConftest(file, root, files);
    if (conftest)
      return {
        kind: 'unsure',
        why: `${conftest} can ignore files (collect_ignore or pytest_ignore_collect)`,
      };
    collected.push(file);
  }
  if (collected.length) return { kind: 'overlap', files: collected, config };
  const where = roots.map((r) => relative(workspace, r) || '.').join(', ');
  return {
    kind: 'apart',
    why: `it collects ${where}${ignores.length ? ` and ignores ${args.ignores.join(', ')}` : ''}`,
    config,
  };
}

/** A conftest.py from `root` down to `file`'s folder that can leave files out of collection. */
function ignoringConftest(file: string, root: string, files: ConfigFiles): string | undefined {
  for (let dir = dirname(file); within(dir, root); dir = dirname(dir)) {
    const text = files.read(join(dir, 'conftest.py'));
    if (text && /\bcollect_ignore(_glob)?\b|\bpytest_ignore_collect\b/.test(text))
      return join(dir, 'conftest.py');
    if (dir === root || dirname(dir) === dir) break;
  }
  return undefined;
}

/** `--ignore=<folder>` as the Python extension's pytest (run in `cwd`) reads it: relative to `cwd` when inside it. */
export function ignoreArg(folder: string, cwd: string): string {
  const rel = relative(cwd, folder);
  return `--ignore=${!rel.startsWith('..') && !isAbsolute(rel) && rel ? rel : folder}`;
}

/** The folder the Python extension runs pytest in: `python.testing.cwd` (variables expanded), else the workspace folder. */
export function pythonTestsCwd(settings: PythonTestingSettings, workspace: string): string {
  return resolve(workspace, expandVariables(settings.cwd, workspace) || '.');
}
