import { junitMapper, moduleKey, type Mapping, type TreeFile } from '../junit/nodeMap';
import type { JUnitCase } from '../junit/report';
import { readJobLog, type LogResult } from './jobLog';

/** A test of the tree the logs never name: not passed, not failed, just not there. */
export interface NotInLog {
  nodeid: string;
  file: string;
  rootdir: string;
}

interface ImportedLogs extends Mapping {
  /** The selected tests (of the rootdirs the logs name, else all) that no log line names. */
  notInLog: NotInLog[];
  /** pytest's closing counts per log (`source` -> counts); a log without them was cut short. */
  counts: { source: string; counts: Record<string, number> | undefined; complete: boolean }[];
  /** How many test ids the logs named. */
  named: number;
}

/**
 * Reads job logs (one per job) and maps the tests they name onto the tree as the JUnit import does: a path in
 * the log may be relative to the repository (pytest run from the root with `-c`) or to the rootdir.
 */
export function importJobLogs(
  files: readonly TreeFile[],
  logs: readonly { source: string; text: string }[],
): ImportedLogs {
  const cases: JUnitCase[] = [];
  const counts: ImportedLogs['counts'] = [];
  const locate = pathLocator(files);
  for (const log of logs) {
    const read = readJobLog(log.text);
    counts.push({ source: log.source, counts: read.counts, complete: read.complete });
    for (const r of read.results) cases.push(toCase(r, log.source, locate));
  }
  const mapping = junitMapper(files)(cases);
  for (const r of mapping.results) r.source = 'log';
  return { ...mapping, notInLog: notInLog(files, mapping), counts, named: cases.length };
}

/** `path::Class::test[x]` as the JUnit case pytest would have written for it (xunit1, with its file). */
function toCase(r: LogResult, source: string, locate: (path: string) => string): JUnitCase {
  const sep = r.id.indexOf('::');
  const path = locate(sep < 0 ? r.id : r.id.slice(0, sep));
  const base = {
    file: path,
    outcome: r.outcome,
    message: r.message,
    duration: r.duration,
    source: `${source}:${r.logLine}`,
  };
  if (sep < 0) return { ...base, classname: '', name: moduleKey(path), collectionError: true };
  const rest = r.id.slice(sep + 2);
  const bracket = rest.indexOf('[');
  const parts = (bracket < 0 ? rest : rest.slice(0, bracket)).split('::');
  const name = parts.pop()! + (bracket < 0 ? '' : rest.slice(bracket));
  return { ...base, classname: [moduleKey(path), ...parts].join('.'), name, collectionError: false };
}

/**
 * A log's path as the tree knows it: as printed when it is a file's rootdir- or repository-relative path,
 * else the one file whose repository path ends with it (pytest run from a subfolder).
 */
function pathLocator(files: readonly TreeFile[]): (path: string) => string {
  const known = new Set(files.flatMap((f) => [f.fileId, f.repoPath]));
  const cache = new Map<string, string>();
  return (path) => {
    const p = path.replace(/^\.\//, '');
    if (known.has(p)) return p;
    let found = cache.get(p);
    if (found === undefined) {
      const hits = files.filter((f) => f.repoPath.endsWith(`/${p}`));
      found = hits.length === 1 ? hits[0].repoPath : p;
      cache.set(p, found);
    }
    return found;
  };
}

function notInLog(files: readonly TreeFile[], mapping: Mapping): NotInLog[] {
  const named = new Set<string>();
  const wholeFiles = new Set<string>();
  for (const r of mapping.results) {
    if (r.fileLevel) wholeFiles.add(r.file);
    named.add(`${r.rootdir}\0${r.nodeid}`);
    // A case names its function too: a function whose ids only pytest knew is a leaf of the tree.
    const bracket = r.nodeid.indexOf('[', r.nodeid.lastIndexOf('::'));
    if (bracket > 0) named.add(`${r.rootdir}\0${r.nodeid.slice(0, bracket)}`);
  }
  const rootdirs = new Set(mapping.results.map((r) => r.rootdir));
  const out: NotInLog[] = [];
  for (const f of files) {
    if (rootdirs.size && !rootdirs.has(f.rootdir)) continue;
    if (wholeFiles.has(f.path)) continue;
    const walk = (nodes: TreeFile['tests']) => {
      for (const n of nodes) {
        if (n.children.length) walk(n.children);
        else if (n.kind !== 'class' && !named.has(`${f.rootdir}\0${n.nodeid}`))
          out.push({ nodeid: n.nodeid, file: f.path, rootdir: f.rootdir });
      }
    };
    walk(f.tests);
  }
  return out;
}
