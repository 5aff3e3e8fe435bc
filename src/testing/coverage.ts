import * as vscode from 'vscode';
import { join } from 'node:path';
import type { LaunchWrap } from '../core/django/launch';
import type { Logger } from '../core/logger';
import {
  coverageWrap,
  finishCoverageRun,
  prepareCoverage,
  removeCoverageRun,
  type CoverageRun,
} from '../core/coverage/coverageRun';
import {
  linesOfTest,
  testsCovering,
  type CoverageReport,
  type FileCoverageData,
} from '../core/coverage/report';
import type { LaunchSettings } from '../core/pytest/launch';
import type { TestPython } from '../core/testPython';
import { itemData } from './itemData';

/** What the Coverage profile showed: the report, the FileCoverage objects given to the run, or why there are none. */
export interface RunCoverage {
  report?: CoverageReport;
  files: vscode.FileCoverage[];
  problem?: string;
}

/** One Coverage run of the Testing view: coverage.py checked, started in pytest and the server, shown at the end. */
export class CoverageForRun {
  private constructor(
    readonly run: CoverageRun,
    private readonly python: TestPython,
    private readonly workspace: string,
  ) {}

  /** coverage.py in the tests' Python, or the message that names the command adding it (said, with a button). */
  static async begin(
    folder: vscode.WorkspaceFolder,
    settings: LaunchSettings,
    logger: Logger,
  ): Promise<CoverageForRun | { problem: string }> {
    const prep = await prepareCoverage({
      workspace: folder.uri.fsPath,
      pluginDir: join(__dirname, 'python'),
      command: settings.command,
      interpreter: settings.interpreter,
    });
    if (prep.kind === 'missing') {
      logger.warn(prep.message);
      void offerInstall(prep.message, prep.fix, folder);
      return { problem: prep.message };
    }
    return new CoverageForRun(prep.run, prep.python, folder.uri.fsPath);
  }

  /** The managed Django's start under coverage.py (shared mode). */
  get serverWrap(): LaunchWrap {
    return coverageWrap(this.run);
  }

  get launch(): { env: Record<string, string>; pythonPathFirst: string[] } {
    return { env: this.run.env, pythonPathFirst: [this.run.bootDir] };
  }

  /** After the run (and after the servers measured have stopped): the data combined and shown on the run. */
  async end(
    testRun: vscode.TestRun,
    itemFor: (nodeid: string) => vscode.TestItem | undefined,
  ): Promise<RunCoverage> {
    const result = await finishCoverageRun(this.run, this.python, { cwd: this.workspace });
    await removeCoverageRun(this.run);
    if (result.kind === 'failed') return { files: [], problem: `Coverage: ${result.problem}` };
    const files = result.report.files
      .filter((f) => f.statements.total > 0)
      .map((f) => fileCoverage(f, itemFor));
    for (const f of files) testRun.addCoverage(f);
    return { report: result.report, files };
  }
}

interface Detail {
  data: FileCoverageData;
  /** Node ids by the items VS Code hands back to loadDetailedCoverageForTest. */
  tests: Map<vscode.TestItem, string>;
}
const details = new WeakMap<vscode.FileCoverage, Detail>();

function fileCoverage(
  data: FileCoverageData,
  itemFor: (nodeid: string) => vscode.TestItem | undefined,
): vscode.FileCoverage {
  const tests = new Map<vscode.TestItem, string>();
  for (const nodeid of testsCovering(data)) {
    const item = itemFor(nodeid);
    if (item) tests.set(item, nodeid);
  }
  const branches = data.branches?.total
    ? new vscode.TestCoverageCount(data.branches.covered, data.branches.total)
    : undefined;
  const file = new vscode.FileCoverage(
    vscode.Uri.file(data.path),
    new vscode.TestCoverageCount(data.statements.covered, data.statements.total),
    branches,
    undefined,
    // Which tests ran the file: VS Code versions with per-test coverage offer "covered by" from it.
    [...tests.keys()],
  );
  details.set(file, { data, tests });
  return file;
}

/** The Coverage profile's loadDetailedCoverage: every statement, hit or missed, with its branches. */
export function loadDetailedCoverage(file: vscode.FileCoverage): vscode.FileCoverageDetail[] {
  const d = details.get(file);
  return d ? statements(d.data, new Set(d.data.executed)) : [];
}

/** loadDetailedCoverageForTest: the statements of the file, hit where that test ran them. */
export function loadDetailedCoverageForTest(
  file: vscode.FileCoverage,
  item: vscode.TestItem,
): vscode.FileCoverageDetail[] {
  const d = details.get(file);
  const nodeid = d?.tests.get(item) ?? itemData.get(item)?.nodeid;
  if (!d || !nodeid) return [];
  return statements(d.data, new Set(linesOfTest(d.data, nodeid)), false);
}

function statements(
  data: FileCoverageData,
  hit: Set<number>,
  withBranches = true,
): vscode.StatementCoverage[] {
  const arcs = new Map<number, vscode.BranchCoverage[]>();
  if (withBranches)
    for (const b of data.branchArcs) {
      const list = arcs.get(b.line) ?? [];
      list.push(new vscode.BranchCoverage(b.executed, undefined, b.to < 0 ? 'exit' : `to line ${b.to}`));
      arcs.set(b.line, list);
    }
  return [...data.executed, ...data.missing]
    .sort((a, b) => a - b)
    .map(
      (line) => new vscode.StatementCoverage(hit.has(line), new vscode.Position(line - 1, 0), arcs.get(line)),
    );
}

async function offerInstall(message: string, fix: string, folder: vscode.WorkspaceFolder): Promise<void> {
  const run = 'Run in Terminal';
  const copy = 'Copy Command';
  const pick = await vscode.window.showErrorMessage(message, run, copy);
  if (pick === copy) await vscode.env.clipboard.writeText(fix);
  if (pick === run) {
    const terminal = vscode.window.createTerminal({ name: 'Add coverage.py', cwd: folder.uri });
    terminal.show();
    terminal.sendText(fix);
  }
}
