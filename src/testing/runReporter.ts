import * as vscode from 'vscode';
import type { LogStore } from '../core/logs/logStore';
import type { LeakRecord } from '../core/pytest/leaks';
import type { TestLeftover, TestSpan } from '../core/pytest/clusterLeftovers';
import type { PluginEvent } from '../core/pytest/protocol';
import { RunResults, type FailureReport, type TestResult } from '../core/pytest/runResults';
import { BatchedRun } from '../core/pytest/runUpdates';
import type { EvidenceCluster } from '../core/pytest/testEvidence';
import { logsContext, type TestWindow } from '../core/pytest/testLogs';
import { someBelow } from './itemTree';
import { pointsAtCodespace } from '../core/doctor/unreachable';

export { crlf, type TestResult } from '../core/pytest/runResults';

export const TEST_LOGS_CONTEXT = 'codespaceTests.testLogs';
/** A failure that says Django or the cluster could not be reached: its message also offers Check Codespace. */
const CHECK_CODESPACE_CONTEXT = 'codespaceTests.testLogs.checkCodespace';

/** Each test's last log window: "Show Logs for This Test" without a message (a failure message carries its own). */
export const testWindows = new WeakMap<vscode.TestItem, TestWindow>();

/**
 * Maps plugin events onto a TestRun (the logic is core's RunResults; this supplies TestItems,
 * TestMessages and Locations). Independent of who started pytest: a run, or a debug session.
 */
export class RunReporter {
  private readonly core: RunResults<vscode.TestItem, vscode.TestMessage, vscode.Location>;

  constructor(
    run: vscode.TestRun,
    /** The item for a node id: the case, or its function when the tree shows only the function. */
    resolve: (nodeid: string) => vscode.TestItem | undefined,
    logStore: LogStore | undefined,
    enqueued: ReadonlySet<vscode.TestItem>,
    /** Where a failure's unfollowed pods and events are read (after its result). */
    clusterOf?: () => EvidenceCluster | undefined,
  ) {
    this.core = new RunResults(
      run,
      {
        resolve,
        label: (item) => item.label,
        locationOf: (item) =>
          item.uri && item.range ? new vscode.Location(item.uri, item.range) : undefined,
        message: testMessage,
        someBelow,
        onWindow: (item, window) => testWindows.set(item, window),
      },
      logStore,
      enqueued,
      clusterOf,
    );
  }

  /** Waits for the failures' cluster evidence still being read (2 s at most); call before ending the run. */
  evidenceRead(): Promise<void> {
    return this.core.evidenceRead();
  }

  get results(): Map<string, TestResult> {
    return this.core.results;
  }

  get leaks(): LeakRecord[] {
    return this.core.leaks;
  }

  /** Each finished test's window, for the cluster leftover check. */
  get spans(): readonly TestSpan[] {
    return this.core.spans;
  }

  get leftovers(): readonly TestLeftover[] {
    return this.core.leftovers;
  }

  /** Cluster leftovers become warnings on their tests (before the run ends). */
  leftoversFound(leftovers: readonly TestLeftover[]): void {
    this.core.leftoversFound(leftovers);
  }

  /** Why the plugin could not run the leak check, when it was asked to. */
  get leakCheckProblem(): string | undefined {
    return this.core.leakCheckProblem;
  }

  /** What the plugin could not see of the session's own Django, and what to do. */
  get djangoNotes(): readonly string[] {
    return this.core.djangoNotes;
  }

  handle(e: PluginEvent): void {
    this.core.handle(e);
  }

  /** A pytest process starts: the extension's additions wait until its report is written. */
  pytestStarted(): void {
    this.core.pytestStarted();
  }

  pytestOutput(chunk: string): void {
    this.core.pytestOutput(chunk);
  }

  /** The pytest process ended: the held additions follow its report. */
  pytestEnded(): void {
    this.core.pytestEnded();
  }

  /** Ends every enqueued test that got no result: skipped when cancelled or never reached, errored with the problem. */
  finish(opts: { cancelled: boolean; problem?: string }): void {
    this.core.finish(opts);
  }

  /** Ends the tests still running or queued with one error (Django crashed under them). */
  abortRemaining(message: string): void {
    this.core.finish({ cancelled: false, problem: message });
  }

  /** The items that failed or errored in this run. */
  failedItems(): vscode.TestItem[] {
    return this.core.failedItems();
  }

  resultFor(item: vscode.TestItem): TestResult | undefined {
    return this.core.resultFor(item);
  }
}

function testMessage(f: FailureReport): vscode.TestMessage {
  const message =
    f.expected !== undefined && f.actual !== undefined
      ? vscode.TestMessage.diff(f.text, f.expected, f.actual)
      : new vscode.TestMessage(f.text);
  if (f.file && f.line)
    message.location = new vscode.Location(vscode.Uri.file(f.file), new vscode.Position(f.line - 1, 0));
  const kind = pointsAtCodespace(f.text) ? CHECK_CODESPACE_CONTEXT : TEST_LOGS_CONTEXT;
  // VS Code hands the command a copy of the message: the window of this result travels in its contextValue.
  message.contextValue = f.window ? logsContext(kind, f.window) : kind;
  return message;
}

/**
 * The TestRun with its updates batched per frame (core's BatchedRun): what the Test Explorer receives
 * during a run of thousands of tests. `end()` hands over what is queued first.
 */
export function batchedTestRun(
  run: vscode.TestRun,
  /** Everything the run's output gets, pytest's and ours (the run's summary keeps its tail). */
  onOutput?: (text: string) => void,
): vscode.TestRun {
  const batched = new BatchedRun<vscode.TestItem, vscode.TestMessage, vscode.Location>(run);
  return {
    get name() {
      return run.name;
    },
    get token() {
      return run.token;
    },
    get isPersisted() {
      return run.isPersisted;
    },
    get onDidDispose() {
      return run.onDidDispose;
    },
    addCoverage: (c) => run.addCoverage(c),
    enqueued: (t) => batched.enqueued(t),
    started: (t) => batched.started(t),
    passed: (t, d) => batched.passed(t, d),
    skipped: (t) => batched.skipped(t),
    failed: (t, m, d) => batched.failed(t, m, d),
    errored: (t, m, d) => batched.errored(t, m, d),
    appendOutput: (o, l, t) => {
      onOutput?.(o);
      batched.appendOutput(o, l, t);
    },
    end: () => batched.end(),
  };
}
