import { relative } from 'node:path';
import { toPosix } from '../pytest/discovery';
import type { FileView } from '../pytest/reconcile';
import { junitMapper, type Mapping, type TreeFile } from './nodeMap';
import { readJUnitReport, type JUnitCase } from './report';

/** The files of the tree with the repository-relative path a report of a run from the root would use. */
export function treeFiles(workspace: string, views: readonly FileView[]): TreeFile[] {
  return views.map((v) => ({
    path: v.path,
    rootdir: v.rootdir,
    fileId: v.fileId,
    repoPath: toPosix(relative(workspace, v.path)),
    tests: v.tests,
  }));
}

interface ImportedReports extends Mapping {
  /** Reports that could not be read, each saying which and why. */
  problems: string[];
  /** How many testcases the reports held (merged across shards). */
  testcases: number;
}

/** Reads every report (one per shard) and maps all their testcases onto the tree at once. */
export function importReports(
  files: readonly TreeFile[],
  reports: readonly { source: string; xml: string }[],
): ImportedReports {
  const cases: JUnitCase[] = [];
  const problems: string[] = [];
  for (const r of reports) {
    const read = readJUnitReport(r.xml, r.source);
    if (read.kind === 'read') cases.push(...read.cases);
    else problems.push(read.problem);
  }
  return { ...junitMapper(files)(cases), problems, testcases: cases.length };
}
