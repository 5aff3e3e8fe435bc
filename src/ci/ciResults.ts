import * as vscode from 'vscode';
import { crlf } from '../core/pytest/runResults';
import { toPosix } from '../core/pytest/discovery';
import { importJobLogs, type NotInLog } from '../core/ci/logImport';
import { importReports } from '../core/junit/import';
import type { Mapping, MappedResult, TreeFile } from '../core/junit/nodeMap';
import type { JUnitFile } from '../core/github/artifacts';
import type { JobLogText } from '../core/github/jobLogs';
import type { TestNode } from '../core/pytest/staticReader';
import { itemData } from '../testing/itemData';
import { indexItems, resolveItem } from '../testing/itemTree';
import { relative } from 'node:path';

/** What a CI run reported for one item; the host tests read these (a TestRun cannot be read back). */
export interface CiItemResult {
  id: string;
  outcome: 'passed' | 'failed' | 'errored' | 'skipped';
  message: string;
  /** Read from a JUnit report, or from pytest's lines in a job's log (the run uploaded no report). */
  source: 'report' | 'log';
  /** How long it took on CI, milliseconds, when the report or log says. */
  ms?: number;
}

const FROM_LOG = "(Read from the CI job's log: the run uploaded no JUnit report.)";

/** What a CI run left to read results from: its JUnit reports, or (without them) its jobs' logs. */
export type CiEvidence =
  { kind: 'reports'; files: readonly JUnitFile[] } | { kind: 'logs'; logs: readonly JobLogText[] };

/** A mapping of either kind: what could not be read, and (logs only) the tests the logs never name. */
interface CiMapping extends Mapping {
  problems: string[];
  notInLog: NotInLog[];
}

function mapEvidence(tree: TreeFile[], evidence: CiEvidence): CiMapping {
  if (evidence.kind === 'reports') return { ...importReports(tree, evidence.files), notInLog: [] };
  const imported = importJobLogs(tree, evidence.logs);
  const problems = imported.counts
    .filter((c) => !c.complete)
    .map(
      (c) =>
        `The log of job "${c.source}" has no pytest summary line: it was cut short or the job was cancelled, so it holds only the results printed before.`,
    );
  return { ...imported, problems };
}

/** The tree a controller shows, as the JUnit mapping takes it: the files and their nodes. */
function treeFilesOf(controller: vscode.TestController, repoRoot: string): TreeFile[] {
  const files: TreeFile[] = [];
  const node = (item: vscode.TestItem): TestNode => {
    const d = itemData.get(item)!;
    const children: TestNode[] = [];
    item.children.forEach((c) => void children.push(node(c)));
    return { kind: d.kind as TestNode['kind'], name: item.label, nodeid: d.nodeid, children };
  };
  const walk = (items: vscode.TestItemCollection) =>
    items.forEach((item) => {
      const d = itemData.get(item);
      if (d?.kind === 'file') {
        const tests: TestNode[] = [];
        item.children.forEach((c) => void tests.push(node(c)));
        files.push({
          path: d.path,
          rootdir: d.rootdir,
          fileId: d.nodeid,
          repoPath: toPosix(relative(repoRoot, d.path)),
          tests,
        });
      } else walk(item.children);
    });
  walk(controller.items);
  return files;
}

/** Every file item by its path, for collection errors (they belong to the file). */
function fileItems(controller: vscode.TestController): Map<string, vscode.TestItem> {
  const map = new Map<string, vscode.TestItem>();
  const walk = (items: vscode.TestItemCollection) =>
    items.forEach((item) => {
      const d = itemData.get(item);
      if (d?.kind === 'file') map.set(d.path, item);
      else walk(item.children);
    });
  walk(controller.items);
  return map;
}

/**
 * Maps the reports onto the controller's tree and reports each result into `run`. Every item of `expected`
 * without a result is errored with `notRun` (never passed). Returns what was reported, and what was not mapped.
 */
export function reportCiResults(opts: {
  run: vscode.TestRun;
  controller: vscode.TestController;
  repoRoot: string;
  evidence: CiEvidence;
  expected?: ReadonlySet<vscode.TestItem>;
  notRun?: string | ((item: vscode.TestItem) => string);
  /** The message's context value, for its menu (Rerun Locally). */
  contextValue?: string;
}): { reported: CiItemResult[]; imported: CiMapping } {
  const { run, controller } = opts;
  const imported = mapEvidence(treeFilesOf(controller, opts.repoRoot), opts.evidence);
  const fromLog = opts.evidence.kind === 'logs';
  const index = indexItems(controller);
  const byFile = fileItems(controller);
  const reported: CiItemResult[] = [];
  const done = new Set<vscode.TestItem>();
  // Cases the tree shows only as their function land on it together: the worst of them is what it shows.
  const byItem = new Map<vscode.TestItem, MappedResult>();
  for (const r of imported.results) {
    const item = r.fileLevel ? byFile.get(r.file) : resolveItem(index, r.rootdir, r.nodeid);
    if (!item) continue;
    const before = byItem.get(item);
    if (!before || RANK[r.outcome] > RANK[before.outcome]) byItem.set(item, r);
    if (r.message && r.outcome !== 'passed')
      run.appendOutput(
        `${crlf(`${r.outcome.toUpperCase()} ${r.nodeid}\n${r.message}`)}\r\n`,
        undefined,
        item,
      );
  }
  for (const [item, r] of byItem) {
    done.add(item);
    const ms = r.duration === undefined ? undefined : Math.round(r.duration * 1000);
    const message = () => {
      const m = new vscode.TestMessage(
        fromLog ? `${r.message || r.outcome}\n\n${FROM_LOG}` : r.message || r.outcome,
      );
      if (r.line !== undefined)
        m.location = new vscode.Location(vscode.Uri.file(r.file), new vscode.Position(r.line - 1, 0));
      else if (item.uri && item.range) m.location = new vscode.Location(item.uri, item.range);
      if (opts.contextValue) m.contextValue = opts.contextValue;
      return m;
    };
    if (r.outcome === 'passed') run.passed(item, ms);
    else if (r.outcome === 'failed') run.failed(item, message(), ms);
    else if (r.outcome === 'errored') run.errored(item, message(), ms);
    else run.skipped(item);
    reported.push({ id: item.id, outcome: r.outcome, message: r.message, source: r.source, ms });
  }
  for (const item of opts.expected ?? []) {
    if (done.has(item)) continue;
    const text =
      (typeof opts.notRun === 'function' ? opts.notRun(item) : opts.notRun) ??
      'not run on CI: the report has no result for it.';
    run.errored(item, new vscode.TestMessage(text));
    reported.push({
      id: item.id,
      outcome: 'errored',
      message: text,
      source: opts.evidence.kind === 'logs' ? 'log' : 'report',
    });
  }
  for (const u of imported.unmatched)
    run.appendOutput(
      crlf(`Not on the tree: ${u.classname ? `${u.classname}.` : ''}${u.name} (${u.outcome}): ${u.reason}\n`),
    );
  for (const n of imported.notInLog) run.appendOutput(crlf(`Not in the log: ${n.nodeid}\n`));
  for (const p of imported.problems) run.appendOutput(crlf(`${p}\n`));
  return { reported, imported };
}

const RANK: Record<MappedResult['outcome'], number> = { failed: 3, errored: 2, passed: 1, skipped: 0 };
