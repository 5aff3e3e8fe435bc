import type { LogStore } from '../logs/logStore';
import { ClusterEvidenceReads } from './clusterEvidenceReads';
import { leftoverWarningsByTest, type TestLeftover, type TestSpan } from './clusterLeftovers';
import { storeDjangoLine } from './djangoLines';
import { storeClusterEvidence } from './storeEvidence';
import { leakWarning, type LeakRecord } from './leaks';
import type { FinishedEvent, Outcome, PluginEvent } from './protocol';
import type { TestRunSink } from './runUpdates';
import { AdditionsAfterReport, PytestReport } from './reportOrder';
import { OpenWindows } from './openWindows';
import { stripVTControlCharacters } from 'node:util';
import type { EvidenceCluster, TestEvidence } from './testEvidence';
import { evidenceOutput, testWindow, type TestWindow } from './testLogs';

/** One test's result as the host tests and "Rerun failed" see it. */
export interface TestResult {
  outcome: Outcome | 'skipped-not-run' | 'errored-run';
  message?: string;
  file?: string;
  line?: number;
  /** Django, pod and event lines of a failed test's time window (set when its evidence is read). */
  serviceLogLines?: number;
  /** The leak check's warnings (`left 1 row in x (ids 7)`); the outcome stays what pytest said. */
  leaks?: string[];
  /** The time the test ran, slack included: its failure message opens the log viewer at it. */
  window?: TestWindow;
  /** What pytest measured (setup, call, teardown), milliseconds: the history keeps it to balance CI shards. */
  ms?: number;
}

/** A failed or errored test, as the Test Explorer's message shows it. */
export interface FailureReport {
  text: string;
  expected?: string;
  actual?: string;
  /** Where it failed (1-based line). */
  file?: string;
  line?: number;
  /** The time the test ran: "Show Logs for This Test" on this message opens it. */
  window?: TestWindow;
}

/** What the reporter needs to know about the tree it reports into (the vscode glue supplies TestItems). */
interface RunTree<Item, Message, Location> {
  /** The item for a node id: the case, or its function when the tree shows only the function. */
  resolve(nodeid: string): Item | undefined;
  label(item: Item): string;
  locationOf(item: Item): Location | undefined;
  message(failure: FailureReport): Message;
  /** Whether any item below `item` (not itself) satisfies `test`. */
  someBelow(item: Item, test: (i: Item) => boolean): boolean;
  /** Each finished test's time window ("Show Logs for This Test" reads it). */
  onWindow?(item: Item, window: TestWindow): void;
}

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
 * Independent of who started pytest (a run, or a debug session with the same results channel) and of
 * VS Code: the Testing view's RunReporter wraps it, and the benchmark drives it the same way.
 */
export class RunResults<Item, Message, Location> {
  readonly results = new Map<string, TestResult>();
  /** Every table a test left rows in, in the order reported. */
  readonly leaks: LeakRecord[] = [];
  /** Why the leak check did not run, when the run asked for it and the plugin could not. */
  leakCheckProblem: string | undefined;
  /** Each finished test's window, for the cluster leftover check at the end of the run. */
  readonly spans: TestSpan[] = [];
  /** What the tests left in the cluster (the leak check's other half), once the run has ended. */
  readonly leftovers: TestLeftover[] = [];
  /** What the plugin could not see of the session's own Django, and what to do (each said once). */
  readonly djangoNotes: string[] = [];
  private readonly byItem = new Map<Item, TestResult>();
  /** The item each node id resolved to when it finished (a later group may have another rootdir). */
  private readonly itemOfTest = new Map<string, Item>();
  private readonly evidence: ClusterEvidenceReads;
  private readonly windows = new OpenWindows();
  private readonly report = new PytestReport();
  private readonly additions: AdditionsAfterReport<Item, Location>;

  constructor(
    private readonly run: TestRunSink<Item, Message, Location>,
    private readonly tree: RunTree<Item, Message, Location>,
    private readonly logStore: LogStore | undefined,
    private readonly enqueued: ReadonlySet<Item>,
    /** Where to read a failure's unfollowed pods and events; without it, only the log store's lines. */
    clusterOf: () => EvidenceCluster | undefined = () => undefined,
  ) {
    this.additions = new AdditionsAfterReport(this.report, (text, location, item) =>
      this.run.appendOutput(crlf(text), location, item),
    );
    this.evidence = new ClusterEvidenceReads(logStore ?? NO_LINES, clusterOf, (note) =>
      this.additions.add({ lines: [note] }),
    );
  }

  /**
   * Closes the windows still open and waits for the failures' evidence still being read (2 s at most); each
   * failure is reported by then. Call before ending the run.
   */
  evidenceRead(): Promise<void> {
    this.windows.closeAll();
    return this.evidence.settled();
  }

  /** A pytest process starts writing its report: what the extension adds waits until it has ended. */
  pytestStarted(): void {
    this.additions.hold();
  }

  /** pytest's output as it comes: what its captured sections showed is not shown again. */
  pytestOutput(chunk: string): void {
    this.report.write(chunk);
  }

  /** The pytest process ended and its output was handed on: the held additions follow its report. */
  pytestEnded(): void {
    this.windows.closeAll();
    this.report.end();
    this.additions.release();
  }

  handle(e: PluginEvent): void {
    if (e.event === 'started') {
      this.windows.nextStarted(e.time);
      const item = this.tree.resolve(e.nodeid);
      if (item !== undefined && !this.byItem.has(item)) this.run.started(item);
    } else if (e.event === 'finished') this.finished(e);
    else if (e.event === 'leaked') this.leaked(e);
    else if (e.event === 'serverOutput') {
      if (this.logStore) storeDjangoLine(this.logStore, e);
    } else if (e.event === 'serverOutputNote' && !this.djangoNotes.includes(e.message)) {
      this.djangoNotes.push(e.message);
      this.additions.add({ lines: [e.message] });
    } else if (e.event === 'leakCheck' && e.status === 'off' && this.leakCheckProblem === undefined) {
      this.leakCheckProblem = `The leak check is off for this run: ${e.reason}`;
      this.additions.add({ lines: [this.leakCheckProblem] });
    }
  }

  /** A warning on the test: its output at its location; the outcome is not changed. */
  private leaked(e: Extract<PluginEvent, { event: 'leaked' }>): void {
    const warnings = e.tables.map(leakWarning);
    for (const t of e.tables) this.leaks.push({ nodeid: e.nodeid, ...t });
    const result = this.results.get(e.nodeid);
    if (result) result.leaks = [...(result.leaks ?? []), ...warnings];
    const item = this.tree.resolve(e.nodeid);
    if (item === undefined) return;
    const label = this.tree.label(item);
    this.appendForTest(
      warnings.map((w) => `⚠ Leak check: ${label} ${w}`).join('\n'),
      this.tree.locationOf(item),
      item,
    );
  }

  /** Cluster leftovers: a warning on each test, as a leaked row is; the outcome is not changed. */
  leftoversFound(leftovers: readonly TestLeftover[]): void {
    this.leftovers.push(...leftovers);
    for (const [nodeid, warning] of leftoverWarningsByTest(leftovers)) {
      const result = this.results.get(nodeid);
      if (result) result.leaks = [...(result.leaks ?? []), warning];
      const item = this.itemOfTest.get(nodeid);
      if (item === undefined) continue;
      this.appendForTest(
        `⚠ Leak check: ${this.tree.label(item)} ${warning}`,
        this.tree.locationOf(item),
        item,
      );
    }
  }

  private finished(e: FinishedEvent): void {
    const item = this.tree.resolve(e.nodeid);
    const result: TestResult = {
      outcome: e.outcome,
      message: e.failure?.message ?? e.reason,
      file: e.failure?.file ?? undefined,
      line: e.failure?.line ?? undefined,
      ms: e.duration,
      // Until the window closes (the next test starts, or its tail passes), the slack after its stop.
      window: testWindow(e.start, e.stop, e.stop),
    };
    this.results.set(e.nodeid, result);
    this.spans.push({ nodeid: e.nodeid, start: e.start, stop: e.stop });
    if (item === undefined) {
      this.windows.add(e.start, e.stop, (window) => (result.window = window));
      return;
    }
    this.itemOfTest.set(e.nodeid, item);
    const location = this.tree.locationOf(item);
    const label = this.tree.label(item);
    for (const [what, text] of [
      ['stdout', e.stdout],
      ['stderr', e.stderr],
      ['log', e.log],
    ] as const)
      if (text)
        this.additions.add({
          title: `── captured ${what} of ${label} ──`,
          lines: text.replace(/\r?\n$/, '').split(/\r?\n/),
          location,
          item,
        });
    // A function standing for its cases keeps the worst outcome of them.
    const previous = this.byItem.get(item);
    const counts = !(previous && RANK[previous.outcome] > RANK[result.outcome]);
    if (counts) this.byItem.set(item, result);
    const failed = counts && (e.outcome === 'failed' || e.outcome === 'error');
    const arrived = Date.now();
    this.windows.add(e.start, e.stop, (window) => {
      result.window = window;
      this.tree.onWindow?.(item, window);
      // A failure is reported with its evidence: the restarts of its window are part of its message.
      if (failed) this.evidence.read(window, (ev) => this.failure(e, ev, result, location, item), arrived);
    });
    if (!counts) return;
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
    }
  }

  /** A failed or errored test, once its window has closed and its evidence is read. */
  private failure(
    e: FinishedEvent,
    ev: TestEvidence,
    result: TestResult,
    location: Location | undefined,
    item: Item,
  ): void {
    const message = this.tree.message({ ...failureReport(e, ev.restarts), window: result.window });
    if (e.outcome === 'failed') this.run.failed(item, message, e.duration);
    else this.run.errored(item, message, e.duration);
    this.failureEvidence(ev, result, location, item);
  }

  /** A failure's evidence, after its result: each source's count, the lines pytest did not show, restarts, notes. */
  private failureEvidence(
    ev: TestEvidence,
    result: TestResult,
    location: Location | undefined,
    item: Item,
  ): void {
    result.serviceLogLines = ev.logs.length;
    if (this.logStore && result.window) storeClusterEvidence(this.logStore, ev, result.window);
    const label = this.tree.label(item);
    this.additions.add(() => ({
      ...evidenceOutput(ev, label, (text) => this.report.shows(text)),
      location,
      item,
      keep: true,
    }));
  }

  /** Output that belongs to one test (after pytest's report). */
  private appendForTest(text: string, location: Location | undefined, item: Item): void {
    this.additions.add({ lines: text.split('\n'), location, item });
  }

  /** Ends every enqueued test that got no result: skipped when cancelled or never reached, errored with the problem. */
  finish(opts: { cancelled: boolean; problem?: string }): void {
    for (const item of this.enqueued) {
      if (this.byItem.has(item) || this.tree.someBelow(item, (i) => this.byItem.has(i))) continue;
      if (opts.problem && !opts.cancelled) {
        this.run.errored(item, this.tree.message({ text: opts.problem }));
        this.byItem.set(item, { outcome: 'errored-run', message: opts.problem });
      } else {
        this.run.skipped(item);
        this.byItem.set(item, { outcome: 'skipped-not-run' });
      }
    }
  }

  /** The items that failed or errored in this run. */
  failedItems(): Item[] {
    return [...this.byItem]
      .filter(([, r]) => r.outcome === 'failed' || r.outcome === 'error')
      .map(([i]) => i);
  }

  resultFor(item: Item): TestResult | undefined {
    return this.byItem.get(item);
  }
}

function failureReport(e: FinishedEvent, restarts: readonly string[]): FailureReport {
  const f = e.failure;
  const head = e.outcome === 'error' ? `Error in ${e.when}: ` : '';
  // Said before the traceback: a container that stopped during the test is often the reason it failed.
  const cluster = restarts.length
    ? `\n\nIn the cluster while the test ran:\n${restarts.map((r) => `- ${r}`).join('\n')}`
    : '';
  return {
    text: `${head}${f?.message ?? 'failed'}${cluster}${f?.text ? `\n\n${stripVTControlCharacters(f.text)}` : ''}`,
    expected: f?.expected,
    actual: f?.actual,
    file: f?.file ?? undefined,
    line: f?.line ?? undefined,
  };
}

const NO_LINES: Pick<LogStore, 'query' | 'sources'> = { query: () => [], sources: () => [] };

/** The test output terminal wants CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
