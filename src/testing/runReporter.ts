import * as vscode from 'vscode';
import type { LogStore } from '../core/logs/logStore';
import type { FinishedEvent, Outcome, PluginEvent } from '../core/pytest/protocol';
import { formatTestLogs, linesForTest, testWindow, type TestWindow } from '../core/pytest/testLogs';
import { stripAnsi } from '../core/pytest/session';
import { someBelow } from './itemTree';

export const TEST_LOGS_CONTEXT = 'codespaceTests.testLogs';

/** One test's result as the host tests and "Rerun failed" see it. */
export interface TestResult {
  outcome: Outcome | 'skipped-not-run' | 'errored-run';
  message?: string;
  file?: string;
  line?: number;
  /** Django and pod lines attached to a failed test (from its time window). */
  serviceLogLines?: number;
}

/** Where each test's last log window is kept: the "Show Logs for This Test" command reads it. */
export const testWindows = new WeakMap<vscode.TestItem, TestWindow>();

const RANK: Record<TestResult['outcome'], number> = {
  'errored-run': 6,
  error: 5,
  failed: 4,
  xpassed: 1,
  passed: 1,
  xfailed: 0,
  skipped: 0,
  'skipped-not-run': 0,
};

/**
 * Maps plugin events onto a TestRun: started, passed, failed (message at the failing line, expected/actual),
 * skipped, errored, with each test's output and, on failure, the service logs of its time window.
 * Independent of who started pytest: a run, or a debug session with the same results channel.
 */
export class RunReporter {
  readonly results = new Map<string, TestResult>();
  private readonly byItem = new Map<vscode.TestItem, TestResult>();

  constructor(
    private readonly run: vscode.TestRun,
    /** The item for a node id: the case, or its function when the tree shows only the function. */
    private readonly resolve: (nodeid: string) => vscode.TestItem | undefined,
    private readonly logStore: LogStore | undefined,
    private readonly enqueued: ReadonlySet<vscode.TestItem>,
  ) {}

  handle(e: PluginEvent): void {
    if (e.event === 'started') {
      const item = this.resolve(e.nodeid);
      if (item && !this.byItem.has(item)) this.run.started(item);
    } else if (e.event === 'finished') this.finished(e);
  }

  private finished(e: FinishedEvent): void {
    const item = this.resolve(e.nodeid);
    const result: TestResult = {
      outcome: e.outcome,
      message: e.failure?.message ?? e.reason,
      file: e.failure?.file ?? undefined,
      line: e.failure?.line ?? undefined,
    };
    this.results.set(e.nodeid, result);
    if (!item) return;
    const window = testWindow(e.start, e.stop);
    testWindows.set(item, window);
    const location = item.uri && item.range ? new vscode.Location(item.uri, item.range) : undefined;
    const captured = [
      e.stdout && `── captured stdout ──\n${e.stdout}`,
      e.stderr && `── captured stderr ──\n${e.stderr}`,
      e.log && `── captured log ──\n${e.log}`,
    ]
      .filter(Boolean)
      .join('\n');
    if (captured) this.appendForTest(captured, location, item);
    // A function standing for its cases keeps the worst outcome of them.
    const previous = this.byItem.get(item);
    if (previous && RANK[previous.outcome] > RANK[result.outcome]) return;
    this.byItem.set(item, result);
    switch (e.outcome) {
      case 'passed':
      case 'xpassed':
        this.run.passed(item, e.duration);
        break;
      case 'skipped':
      case 'xfailed':
        if (e.reason) this.appendForTest(`${e.outcome}: ${e.reason}`, location, item);
        this.run.skipped(item);
        break;
      case 'failed':
      case 'error': {
        const message = this.failureMessage(e);
        const lines = this.logStore ? linesForTest(this.logStore, window) : [];
        result.serviceLogLines = lines.length;
        if (lines.length)
          this.appendForTest(formatTestLogs(lines, `service logs while ${item.label} ran`), location, item);
        if (e.outcome === 'failed') this.run.failed(item, message, e.duration);
        else this.run.errored(item, message, e.duration);
        break;
      }
    }
  }

  /** Output that belongs to one test, on lines of its own: pytest may be in the middle of its progress line. */
  private appendForTest(text: string, location: vscode.Location | undefined, item: vscode.TestItem): void {
    this.run.appendOutput(crlf(`\n${text.endsWith('\n') ? text : `${text}\n`}`), location, item);
  }

  private failureMessage(e: FinishedEvent): vscode.TestMessage {
    const f = e.failure;
    const head = e.outcome === 'error' ? `Error in ${e.when}: ` : '';
    const text = `${head}${f?.message ?? 'failed'}${f?.text ? `\n\n${stripAnsi(f.text)}` : ''}`;
    const message =
      f?.expected !== undefined && f.actual !== undefined
        ? vscode.TestMessage.diff(text, f.expected, f.actual)
        : new vscode.TestMessage(text);
    if (f?.file && f.line)
      message.location = new vscode.Location(vscode.Uri.file(f.file), new vscode.Position(f.line - 1, 0));
    message.contextValue = TEST_LOGS_CONTEXT;
    return message;
  }

  /** Ends every enqueued test that got no result: skipped when cancelled or never reached, errored with the problem. */
  finish(opts: { cancelled: boolean; problem?: string }): void {
    for (const item of this.enqueued) {
      if (this.byItem.has(item) || someBelow(item, (i) => this.byItem.has(i))) continue;
      if (opts.problem && !opts.cancelled) {
        this.run.errored(item, new vscode.TestMessage(opts.problem));
        this.byItem.set(item, { outcome: 'errored-run', message: opts.problem });
      } else {
        this.run.skipped(item);
        this.byItem.set(item, { outcome: 'skipped-not-run' });
      }
    }
  }

  /** Ends the tests still running or queued with one error (Django crashed under them). */
  abortRemaining(message: string): void {
    this.finish({ cancelled: false, problem: message });
  }

  /** The items that failed or errored in this run. */
  failedItems(): vscode.TestItem[] {
    return [...this.byItem]
      .filter(([, r]) => r.outcome === 'failed' || r.outcome === 'error')
      .map(([i]) => i);
  }

  resultFor(item: vscode.TestItem): TestResult | undefined {
    return this.byItem.get(item);
  }
}

/** The test output terminal wants CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
