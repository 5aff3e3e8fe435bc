import { failingLine, type JUnitCase, type JUnitOutcome } from './report';
import type { TestNode } from '../pytest/staticReader';

/** A test file of the tree, as the Testing view and `discover` know it. */
export interface TreeFile {
  path: string;
  rootdir: string;
  /** Path relative to the rootdir, `/`-separated: the first part of every node id in the file. */
  fileId: string;
  /** Path relative to the repository (workspace) root, `/`-separated: a report of a run from there. */
  repoPath: string;
  tests: readonly TestNode[];
}

/** A testcase mapped to one node of the tree; `nodeid` is relative to `rootdir`, as pytest's. */
export interface MappedResult {
  nodeid: string;
  /** The test file (absolute) and its rootdir: the TestItem is `${rootdir}/${nodeid}`. */
  file: string;
  rootdir: string;
  outcome: JUnitOutcome;
  message: string;
  /** Seconds. */
  duration: number | undefined;
  /** 1-based failing line in `file`, when the traceback names it. */
  line?: number;
  /** A collection error: the result belongs to the file's item. */
  fileLevel: boolean;
  /** Where the outcome was read: a JUnit report, or pytest's lines in a CI job's log. */
  source: 'report' | 'log';
}

interface Unmatched {
  classname: string;
  name: string;
  source: string;
  outcome: JUnitOutcome;
  /** Why it was not mapped: no such test, or which tests it could be. */
  reason: string;
}

export interface Mapping {
  results: MappedResult[];
  unmatched: Unmatched[];
}

interface ModuleEntry {
  file: TreeFile;
  /** The file's id in the layout this key came from (rootdir-relative or repository-relative). */
  layoutPath: string;
  nodes: Map<string, TestNode>;
}

/**
 * Builds the mapper once per tree; `map` then takes any number of reports. Everything is exact or left
 * unmatched: pytest's classname joins the file's dotted path and the classes with dots, so a classname that
 * two files (or two rootdirs) could have written is reported as ambiguous, never picked.
 */
export function junitMapper(files: readonly TreeFile[]): (cases: readonly JUnitCase[]) => Mapping {
  const modules = new Map<string, ModuleEntry[]>();
  for (const file of files) {
    const nodes = new Map<string, TestNode>();
    indexNodes(file.tests, nodes);
    const layouts = new Set([file.fileId, file.repoPath]);
    for (const layoutPath of layouts) {
      const key = moduleKey(layoutPath);
      const list = modules.get(key) ?? [];
      list.push({ file, layoutPath, nodes });
      modules.set(key, list);
    }
  }
  return (cases) => {
    const byItem = new Map<string, MappedResult>();
    const unmatched: Unmatched[] = [];
    for (const c of cases) {
      const found = resolve(c, modules);
      if (found.kind === 'unmatched') {
        unmatched.push({
          classname: c.classname,
          name: c.name,
          source: c.source,
          outcome: c.outcome,
          reason: found.reason,
        });
        continue;
      }
      const { entry, nodeid, fileLevel } = found;
      const result: MappedResult = {
        nodeid,
        file: entry.file.path,
        rootdir: entry.file.rootdir,
        outcome: c.outcome,
        message: c.message,
        duration: c.duration,
        fileLevel,
        source: 'report',
      };
      const line =
        c.outcome === 'failed' || c.outcome === 'errored'
          ? failingLine(c.message, entry.file.fileId)
          : undefined;
      if (line !== undefined) result.line = line;
      const key = `${entry.file.rootdir}\0${nodeid}`;
      const before = byItem.get(key);
      byItem.set(key, before ? combine(before, result) : result);
    }
    return { results: [...byItem.values()], unmatched };
  };
}

type Found =
  | { kind: 'found'; entry: ModuleEntry; nodeid: string; fileLevel: boolean }
  | { kind: 'unmatched'; reason: string };

function resolve(c: JUnitCase, modules: Map<string, ModuleEntry[]>): Found {
  const label = c.classname ? `${c.classname}.${c.name}` : c.name;
  // A collection error (or anything pytest reported on a module): the classname is empty, the name is the file.
  if (!c.classname) {
    const entries = onlyFile(modules.get(c.name) ?? [], c.file);
    const distinct = uniqueFiles(entries);
    if (distinct.length === 1)
      return { kind: 'found', entry: distinct[0], nodeid: distinct[0].file.fileId, fileLevel: true };
    return distinct.length
      ? ambiguous(
          label,
          distinct.map((e) => e.file.path),
        )
      : { kind: 'unmatched', reason: `no test file of the workspace is "${c.name}"` };
  }
  const bracket = c.name.indexOf('[');
  const base = bracket < 0 ? c.name : c.name.slice(0, bracket);
  const hits: { entry: ModuleEntry; nodeid: string }[] = [];
  let nearest: string | undefined;
  for (const { entry, prefix } of prefixes(c.classname, modules)) {
    if (c.file && !sameFile(entry, c.file, modules, c.classname)) continue;
    const nodeid = `${prefix}::${c.name}`;
    if (entry.nodes.has(nodeid)) hits.push({ entry, nodeid });
    // A case whose function the tree knows but whose ids only pytest could tell: its id is still exact.
    else if (bracket > 0 && entry.nodes.get(`${prefix}::${base}`)?.kind === 'function')
      hits.push({ entry, nodeid });
    else nearest ??= `${entry.file.path}: no ${nodeid}`;
  }
  if (hits.length === 1)
    return { kind: 'found', entry: hits[0].entry, nodeid: hits[0].nodeid, fileLevel: false };
  const distinct = new Map(hits.map((h) => [`${h.entry.file.path}\0${h.nodeid}`, h]));
  if (distinct.size === 1) {
    const [h] = distinct.values();
    return { kind: 'found', entry: h.entry, nodeid: h.nodeid, fileLevel: false };
  }
  if (distinct.size > 1)
    return ambiguous(
      label,
      [...distinct.values()].map((h) => `${h.entry.file.path} ${h.nodeid}`),
    );
  return {
    kind: 'unmatched',
    reason: nearest
      ? `not in the workspace's tests (${nearest}); refresh the tests, or the report is of other code`
      : 'no test file of the workspace has this classname (a report of another repository, or junit_prefix is set)',
  };
}

interface Prefix {
  entry: ModuleEntry;
  /** The node id up to the test's name: the file, then the classes. */
  prefix: string;
}

/** Where a classname could come from; a report repeats each classname for every test in it, so it is kept. */
const prefixCache = new WeakMap<Map<string, ModuleEntry[]>, Map<string, Prefix[]>>();

function prefixes(classname: string, modules: Map<string, ModuleEntry[]>): Prefix[] {
  let cache = prefixCache.get(modules);
  if (!cache) prefixCache.set(modules, (cache = new Map()));
  let found = cache.get(classname);
  if (found) return found;
  found = [];
  // Each dot of the classname could end the module path; what follows are the (nested) classes.
  for (let end = classname.length; end > 0; end = classname.lastIndexOf('.', end - 1)) {
    const entries = modules.get(classname.slice(0, end));
    if (!entries) continue;
    const classes = end < classname.length ? classname.slice(end + 1).split('.') : [];
    for (const entry of entries) found.push({ entry, prefix: [entry.file.fileId, ...classes].join('::') });
  }
  cache.set(classname, found);
  return found;
}

/** xunit1's `file` keeps the entries of that file, when some of the classname's candidates are of it. */
function sameFile(
  entry: ModuleEntry,
  file: string,
  modules: Map<string, ModuleEntry[]>,
  classname: string,
): boolean {
  const posix = file.replace(/\\/g, '/');
  const any = prefixes(classname, modules).some((p) => p.entry.layoutPath === posix);
  return !any || entry.layoutPath === posix;
}

function ambiguous(label: string, what: string[]): Found {
  return { kind: 'unmatched', reason: `"${label}" could be any of: ${what.join('; ')}` };
}

/** xunit1 names the file (relative to the rootdir): keep the entries of that file when it tells them apart. */
function onlyFile(entries: ModuleEntry[], file: string | undefined): ModuleEntry[] {
  if (!file) return entries;
  const posix = file.replace(/\\/g, '/');
  const same = entries.filter((e) => e.layoutPath === posix);
  return same.length ? same : entries;
}

function uniqueFiles(entries: ModuleEntry[]): ModuleEntry[] {
  return [...new Map(entries.map((e) => [e.file.path, e])).values()];
}

/** pytest's `mangle_test_address` for a file: `a/b/test_c.py` -> `a.b.test_c`. */
export function moduleKey(path: string): string {
  return path.replace(/\//g, '.').replace(/\.py$/, '');
}

function indexNodes(nodes: readonly TestNode[], out: Map<string, TestNode>): void {
  for (const n of nodes) {
    out.set(n.nodeid, n);
    indexNodes(n.children, out);
  }
}

const RANK: Record<JUnitOutcome, number> = { failed: 3, errored: 2, passed: 1, skipped: 0 };

/** The same test twice (two shards, a rerun): the worse outcome is shown, both messages kept. */
function combine(a: MappedResult, b: MappedResult): MappedResult {
  const [worse, other] = RANK[b.outcome] > RANK[a.outcome] ? [b, a] : [a, b];
  const message = [
    worse.message,
    other.message && other.message !== worse.message
      ? `Also reported: ${other.outcome}: ${other.message}`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { ...worse, message, duration: (a.duration ?? 0) + (b.duration ?? 0) };
}
