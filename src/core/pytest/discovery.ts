import { readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { compileGlob } from '../glob';
import { DEFAULT_RULES, findGoverningIni, readPytestIni, type IniResult } from './ini';
import { isTestFile, readTests, type TestNode } from './staticReader';

/** One test file as the static read sees it. */
export interface DiscoveredFile {
  path: string;
  /** The governing pytest.ini (undefined when none governs the file). */
  ini: string | undefined;
  rootdir: string;
  /** Path relative to the rootdir, `/`-separated: the first part of every node id in it. */
  fileId: string;
  tests: TestNode[];
  /** Why the file cannot be collected or run (unreadable, its pytest.ini invalid or missing). */
  problem?: string;
}

// pytest's default `norecursedirs`, plus caches no one keeps tests in.
const SKIP_DIR = /^(\..*|node_modules|__pycache__|venv|build|dist|_darcs|CVS|\{arch\}|.*\.egg)$/;

/**
 * Whether a file is a candidate test file of `folder`: a `.py` file outside pytest's skipped folders whose
 * folder-relative path matches the include glob. The one decision for the static read and the file watcher.
 */
export function includedTestFiles(folder: string, include: string): (path: string) => boolean {
  const included = compileGlob(include);
  return (path) => {
    if (!path.endsWith('.py')) return false;
    const rel = toPosix(relative(folder, path));
    if (rel.startsWith('../') || isAbsolute(rel)) return false;
    const dirs = rel.split('/').slice(0, -1);
    return !dirs.some((d) => SKIP_DIR.test(d)) && included.test(rel);
  };
}

/** All `.py` files under `folder` whose folder-relative path matches the include glob. */
async function findCandidateFiles(folder: string, include: string): Promise<string[]> {
  const isCandidate = includedTestFiles(folder, include);
  const out: string[] = [];
  // Synchronous reads, a breath every YIELD_EVERY folders: at activation the extension host is busy with
  // every extension starting, and an await per folder and per file waits behind all of them.
  const pending = [folder];
  for (let n = 1; pending.length; n++) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIR.test(e.name)) pending.push(full);
      } else if (isCandidate(full)) out.push(full);
    }
    if (n % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
  }
  return out.sort();
}

/** Folders read between two yields to the event loop while looking for test files. */
const YIELD_EVERY = 200;

/** Caches the pytest.ini reads of one discovery pass, and which one governs each folder. */
export class IniCache {
  private readonly cache = new Map<string, Promise<IniResult>>();
  /** By folder: the files of one folder share their pytest.ini, so it is looked for once per folder. */
  private readonly governing = new Map<string, string | undefined>();
  get(path: string): Promise<IniResult> {
    let p = this.cache.get(path);
    if (!p) this.cache.set(path, (p = readPytestIni(path)));
    return p;
  }
  /** The pytest.ini that governs `file` (see `findGoverningIni`), not above `folder`. */
  governingIni(file: string, folder: string): string | undefined {
    const dir = dirname(file);
    if (this.governing.has(dir)) return this.governing.get(dir);
    const ini = findGoverningIni(file, folder);
    this.governing.set(dir, ini);
    return ini;
  }
  /** A pytest.ini changed (or any, without a path): read it again, and look again for which one governs. */
  forget(path?: string): void {
    this.governing.clear();
    if (path) this.cache.delete(path);
    else this.cache.clear();
  }
}

/**
 * Reads one candidate file: undefined when its pytest.ini's rules (`python_files`, `testpaths`) say it holds
 * no tests; otherwise its tests (an empty list and a problem when it cannot be read).
 */
export async function discoverFile(
  path: string,
  folder: string,
  inis: IniCache,
  source?: string,
): Promise<DiscoveredFile | undefined> {
  const iniPath = inis.governingIni(path, folder);
  const ini: IniResult = iniPath ? await inis.get(iniPath) : { kind: 'missing' };
  const rootdir = ini.kind === 'missing' ? folder : ini.rootdir;
  const fileId = toPosix(relative(rootdir, path));
  const base = { path, ini: iniPath, rootdir, fileId, tests: [] as TestNode[] };
  if (ini.kind === 'ok') {
    if (!isTestFile(fileId, ini.rules.pythonFiles) || !underTestpaths(fileId, ini.rules.testpaths))
      return undefined;
  } else if (!isTestFile(fileId, DEFAULT_RULES.pythonFiles)) return undefined;
  if (ini.kind === 'invalid')
    return {
      ...base,
      problem: `${ini.path} is not a valid pytest.ini (${ini.error}). Fix it, then refresh the tests.`,
    };
  const rules = ini.kind === 'ok' ? ini.rules : DEFAULT_RULES;
  let text = source;
  if (text === undefined) {
    try {
      // One small file, read at once: an await per file is what made the first tree slow at activation.
      text = readFileSync(path, 'utf8');
    } catch (e) {
      return { ...base, problem: `Cannot read ${path}: ${(e as Error).message}` };
    }
  }
  const tests = readTests(text, fileId, rules);
  if (ini.kind === 'missing') {
    return {
      ...base,
      tests,
      problem: `No pytest.ini governs ${path}: add one (with a [pytest] section) in its folder or above, inside the workspace folder, so the tests run with a known rootdir.`,
    };
  }
  return { ...base, tests };
}

/** The whole static read of a workspace folder: every test file and its tests, no Python involved. */
export async function discoverFolder(
  folder: string,
  include: string,
  inis = new IniCache(),
): Promise<DiscoveredFile[]> {
  const files = await findCandidateFiles(folder, include);
  const found = await Promise.all(files.map((f) => discoverFile(f, folder, inis)));
  return found.filter((f): f is DiscoveredFile => f !== undefined);
}

function underTestpaths(fileId: string, testpaths: readonly string[]): boolean {
  if (testpaths.length === 0) return true;
  return testpaths.some((tp) => {
    const p = tp.replace(/^\.\/?/, '').replace(/\/$/, '');
    if (p === '') return true;
    if (/[*?[]/.test(p)) return compileGlob(`${p}/**`).test(fileId);
    return fileId === p || fileId.startsWith(`${p}/`);
  });
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
