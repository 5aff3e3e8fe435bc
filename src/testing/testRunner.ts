import * as vscode from 'vscode';
import { join } from 'node:path';
import { CancelSource } from '../core/cancel';
import type { SharedDjango } from '../core/django/types';
import { SessionPortBusyError } from '../core/django/sessionPort';
import type { Logger } from '../core/logger';
import type { LogStore } from '../core/logs/logStore';
import type { SettingsGet } from '../core/settings';
import { ClusterLeftoverCheck, leftoverSummary, type TestLeftover } from '../core/pytest/clusterLeftovers';
import { launchFromSettings, type PytestLaunch } from '../core/pytest/launch';
import { leakCheckEnv, leakSummary, type LeakRecord } from '../core/pytest/leaks';
import { FolderSettings } from '../settings';
import { runPytestSession, type SessionOptions, type SessionOutcome } from '../core/pytest/session';
import { clusterFromSettings, type EvidenceCluster } from '../core/pytest/testEvidence';
import type { FolderTests } from './folderTree';
import { folderLaunchSettings } from './interpreter';
import { itemData } from './itemData';
import { collectLeaves, indexItems, resolveItem, someBelow } from './itemTree';
import { batchedTestRun, crlf, RunReporter, type TestResult } from './runReporter';
import { CoverageForRun, type RunCoverage } from './coverage';

/** How much of a run's output its summary keeps, so a long run's summary does not grow without bound. */
const SUMMARY_OUTPUT_CHARS = 256 * 1024;

/** What a finished run produced; the host tests read it since the vscode API cannot read TestRun results. */
export interface RunSummary {
  /** By node id (rootdir-relative). */
  results: Map<string, TestResult>;
  /** By TestItem id, for items that were enqueued (including "not run"). */
  itemResults: Map<string, TestResult>;
  problems: string[];
  /** The run's output: its last SUMMARY_OUTPUT_CHARS at least (the whole of it is in the TestRun). */
  output: string;
  /** Process ids of the pytest processes the run started. */
  pids: number[];
  cancelled: boolean;
  /** Started by a continuous run (a watched file changed). */
  continuous: boolean;
  /** What the leak check found: every table a test left rows in (empty when it was off). */
  leaks: LeakRecord[];
  /** What the tests left in the cluster (empty when the check was off). */
  leftovers: TestLeftover[];
  /** The Coverage profile's result (undefined for other runs). */
  coverage?: RunCoverage;
}

/** How one run differs from the Run profile's: the Run with Leak Check profile turns the check on. */
interface RunOptions {
  leaks?: boolean;
  /** The Coverage profile: coverage.py in pytest and in the Django that serves it, shown on the run. */
  coverage?: boolean;
}

interface RunnerDeps {
  logger: Logger;
  logStore?: LogStore;
  django?: SharedDjango;
  /** Says the uv fallback once per session, not once per run. */
  logFallback: (message: string) => void;
  /** Every finished run, whoever started it (the profile, "Rerun failed tests", a continuous run). */
  onFinished?: (summary: RunSummary) => void;
  /** Starts pytest for one group; the Debug profile starts it under debugpy instead. */
  startSession?: (launch: PytestLaunch, opts: SessionOptions) => Promise<SessionOutcome>;
}

interface Group {
  ini: string;
  rootdir: string;
  nodeIds: string[];
}

/** Runs a selection of one folder's tests: one pytest process per pytest.ini, results streamed per test. */
export class TestRunner {
  /** Failed or errored items of the last run, for "Rerun failed tests". */
  lastFailed: vscode.TestItem[] = [];

  private readonly logger: Logger;
  private readonly django: SharedDjango | undefined;

  constructor(
    private readonly tests: FolderTests,
    private readonly deps: RunnerDeps,
  ) {
    this.logger = deps.logger;
    this.django = deps.django;
  }

  async run(
    request: vscode.TestRunRequest,
    token: vscode.CancellationToken,
    opts: RunOptions = {},
  ): Promise<RunSummary> {
    const controller = this.tests.controller;
    const summary: RunSummary = {
      results: new Map(),
      itemResults: new Map(),
      problems: [],
      output: '',
      pids: [],
      cancelled: false,
      continuous: request.continuous ?? false,
      leaks: [],
      leftovers: [],
    };
    // Batched per frame: thousands of results must not flood the workbench.
    const run = batchedTestRun(controller.createTestRun(request), (text) => {
      summary.output += text.replace(/\r\n/g, '\n');
      // Cut rarely (at twice the bound), so a chatty run does not copy the tail on every chunk.
      if (summary.output.length > 2 * SUMMARY_OUTPUT_CHARS)
        summary.output = summary.output.slice(-SUMMARY_OUTPUT_CHARS);
    });
    const out = (text: string) => run.appendOutput(crlf(text));
    const index = indexItems(controller);
    const excluded = new Set(request.exclude ?? []);
    const selected: vscode.TestItem[] = [];
    if (request.include) selected.push(...request.include);
    else controller.items.forEach((i) => void selected.push(i));
    const enqueued = new Set<vscode.TestItem>();
    for (const item of selected) collectLeaves(item, excluded, enqueued);
    for (const item of enqueued) run.enqueued(item);
    // Node ids from the plugin are relative to the rootdir of the group that is running.
    const current = { rootdir: '' };
    const reporter = new RunReporter(
      run,
      (id) => resolveItem(index, current.rootdir, id),
      this.deps.logStore,
      enqueued,
      () => this.evidenceCluster(),
    );
    let coverage: CoverageForRun | undefined;
    try {
      const groups = this.groups(selected, excluded, enqueued, run, summary);
      const failures: string[] = [];
      if (opts.coverage && groups.length) {
        const settings = await folderLaunchSettings(this.tests.folder, this.logger);
        const begun = await CoverageForRun.begin(this.tests.folder, settings, this.logger);
        if ('problem' in begun) {
          summary.problems.push(begun.problem);
          summary.coverage = { files: [], problem: begun.problem };
          out(`${begun.problem}\n`);
          groups.length = 0;
        } else coverage = begun;
      }
      if (groups.length && !token.isCancellationRequested)
        await this.runGroups(groups, reporter, token, out, summary, current, { ...opts, coverage }, failures);
      if (coverage) {
        // A managed server under coverage.py writes its data as it stops: before the data is combined.
        await this.django?.restoreAfterRun?.();
        summary.coverage = await coverage.end(run, (id) =>
          groups.map((g) => resolveItem(index, g.rootdir, id)).find((i) => i !== undefined),
        );
        coverage = undefined;
        if (summary.coverage.problem) {
          summary.problems.push(summary.coverage.problem);
          out(`\n${summary.coverage.problem}\n`);
        }
      }
      summary.cancelled = token.isCancellationRequested;
      if (failures.length && !summary.cancelled) {
        const refused = await this.django?.explainRefusedPort?.(failures, () => {
          const retry = new vscode.CancellationTokenSource();
          return this.run(request, retry.token, opts).finally(() => retry.dispose());
        });
        if (refused) {
          summary.problems.push(refused);
          out(`\n${refused}\n`);
        }
      }
      reporter.finish({ cancelled: summary.cancelled, problem: summary.problems[0] });
      const leaks = [...leakSummary(reporter.leaks), ...leftoverSummary(reporter.leftovers)];
      if (leaks.length) out(`\n${leaks.join('\n')}\n`);
    } catch (e) {
      const message = `The test run failed: ${(e as Error).message}`;
      this.logger.error(message);
      summary.problems.push(message);
      reporter.finish({ cancelled: false, problem: message });
    } finally {
      if (coverage) await this.django?.restoreAfterRun?.();
      await reporter.evidenceRead();
      run.end();
      this.django?.runEnded?.();
    }
    for (const [k, v] of reporter.results) summary.results.set(k, v);
    summary.leaks.push(...reporter.leaks);
    summary.leftovers.push(...reporter.leftovers);
    if (reporter.leakCheckProblem) this.logger.warn(reporter.leakCheckProblem);
    for (const note of reporter.djangoNotes) this.logger.warn(note);
    for (const item of enqueued) {
      const r = reporter.resultFor(item);
      if (r) summary.itemResults.set(item.id, r);
    }
    this.lastFailed = reporter.failedItems();
    this.deps.onFinished?.(summary);
    return summary;
  }

  /** Node ids per pytest.ini; items whose file cannot run (invalid or missing pytest.ini) are errored at once. */
  private groups(
    selected: vscode.TestItem[],
    excluded: Set<vscode.TestItem>,
    enqueued: Set<vscode.TestItem>,
    run: vscode.TestRun,
    summary: RunSummary,
  ): Group[] {
    const groups = new Map<string, Group>();
    const add = (item: vscode.TestItem) => {
      const data = itemData.get(item);
      if (!data) return;
      const path = data.kind === 'folder' ? undefined : data.path;
      const problem = path ? this.tests.fileFor(path)?.problem : undefined;
      if (!data.ini || problem) {
        const message =
          problem ??
          `No pytest.ini governs ${item.label}: add one with a [pytest] section, then refresh the tests.`;
        if (!summary.problems.includes(message)) summary.problems.push(message);
        const leaves = new Set<vscode.TestItem>();
        collectLeaves(item, excluded, leaves);
        for (const leaf of leaves) {
          run.errored(leaf, new vscode.TestMessage(message));
          summary.itemResults.set(leaf.id, { outcome: 'errored-run', message });
          enqueued.delete(leaf);
        }
        return;
      }
      let g = groups.get(data.ini);
      if (!g) groups.set(data.ini, (g = { ini: data.ini, rootdir: data.rootdir, nodeIds: [] }));
      g.nodeIds.push(data.nodeid);
    };
    for (const item of selected) {
      // With exclusions under a selected item, name the remaining tests one by one.
      if (excluded.size && someBelow(item, (i) => excluded.has(i))) {
        const leaves = new Set<vscode.TestItem>();
        collectLeaves(item, excluded, leaves);
        leaves.forEach(add);
      } else add(item);
    }
    return [...groups.values()].filter((g) => g.nodeIds.length);
  }

  private async runGroups(
    groups: Group[],
    reporter: RunReporter,
    token: vscode.CancellationToken,
    out: (t: string) => void,
    summary: RunSummary,
    current: { rootdir: string },
    opts: Omit<RunOptions, 'coverage'> & { coverage?: CoverageForRun },
    /** The failed and errored tests' texts, for the session's refused-port check (bounded). */
    failures: string[],
  ): Promise<void> {
    let djangoEnv: Record<string, string> | undefined;
    if (this.django) {
      try {
        djangoEnv = await this.django.prepareForTestRun(
          token,
          groups.map((g) => g.ini),
          { wrap: opts.coverage?.serverWrap },
        );
      } catch (e) {
        if (token.isCancellationRequested) return;
        const message = (e as Error).message;
        summary.problems.push(
          e instanceof SessionPortBusyError
            ? message
            : `Django is not ready, so the tests did not run: ${message}`,
        );
        out(summary.problems[summary.problems.length - 1] + '\n');
        return;
      }
    }
    const settings = await folderLaunchSettings(this.tests.folder, this.logger);
    const leakEnv = await this.leakCheckEnv(opts, out);
    const leftoverCheck = this.leakCheckWanted(opts)
      ? await ClusterLeftoverCheck.begin(this.settingsGet())
      : undefined;
    for (const group of groups) {
      if (token.isCancellationRequested) return;
      current.rootdir = group.rootdir;
      const { launch, fallback } = await launchFromSettings(settings, {
        mode: 'run',
        ini: group.ini,
        nodeIds: group.nodeIds,
        extraEnv: { ...djangoEnv, ...leakEnv, ...opts.coverage?.launch.env },
        pythonPathFirst: opts.coverage?.launch.pythonPathFirst,
        pluginDir: join(__dirname, 'python'),
        color: true,
      });
      if (fallback) this.deps.logFallback(fallback);
      out(`$ ${launch.display}\n`);
      this.logger.info(`Running: ${launch.display}`);
      const stop = new CancelSource();
      const sub = token.onCancellationRequested(() => stop.cancel());
      let crashed: string | undefined;
      const crash = this.django?.onCrash((c) => {
        crashed = `Django stopped while the tests ran (${c.reason}), so the remaining tests cannot pass. Its last lines:\n${c.lastLines.join('\n')}\n\nStart Django again (Codespace Tests: Start Django), then rerun.`;
        reporter.abortRemaining(crashed);
        stop.cancel();
      });
      reporter.pytestStarted();
      try {
        const start = this.deps.startSession ?? runPytestSession;
        const session = await start(launch, {
          token: stop.token,
          logger: this.logger,
          onEvent: (e) => {
            reporter.handle(e);
            if (e.event === 'finished' && e.failure && failures.length < 20)
              failures.push(e.failure.text ?? e.failure.message);
          },
          onOutput: (chunk) => {
            out(chunk);
            reporter.pytestOutput(chunk);
          },
          onStarted: (child) => child.pid && summary.pids.push(child.pid),
        });
        const problem = crashed ?? session.problem;
        if (problem) {
          summary.problems.push(problem);
          out(`\n${problem}\n`);
          reporter.finish({ cancelled: false, problem });
        }
      } finally {
        reporter.pytestEnded();
        sub.dispose();
        crash?.dispose();
      }
    }
    if (!leftoverCheck || token.isCancellationRequested) return;
    const found = await leftoverCheck.end(reporter.spans);
    reporter.leftoversFound(found.leftovers);
    for (const note of found.notes) {
      this.logger.warn(note);
      out(`\n${note}\n`);
    }
  }

  /** The cluster a failure's evidence is read from: the kube settings, the pynode, model and configured selectors. */
  private evidenceCluster(): EvidenceCluster {
    return clusterFromSettings(this.settingsGet());
  }

  private settingsGet(): SettingsGet {
    return new FolderSettings(this.tests.folder).get;
  }

  /** The Run with Leak Check profile, or codespaceTests.leaks.check. */
  private leakCheckWanted(opts: { leaks?: boolean }): boolean {
    return opts.leaks === true || new FolderSettings(this.tests.folder).get('leaks.check');
  }

  /** The leak check's variables when the run asks for it (the profile or codespaceTests.leaks.check). */
  private async leakCheckEnv(
    opts: { leaks?: boolean },
    out: (t: string) => void,
  ): Promise<Record<string, string> | undefined> {
    const s = new FolderSettings(this.tests.folder);
    if (!this.leakCheckWanted(opts)) return undefined;
    const check = await leakCheckEnv({
      workspace: this.tests.folder.uri.fsPath,
      djangoCommand: s.get('django.command'),
      djangoCwd: s.get('django.cwd'),
      projectDir: s.get('leaks.projectDir'),
      settingsModule: s.get('leaks.settingsModule'),
    });
    if (check.kind === 'on') return check.env;
    const message = `The leak check is off for this run: ${check.reason}`;
    this.logger.warn(message);
    out(`${message}\n`);
    return undefined;
  }
}
