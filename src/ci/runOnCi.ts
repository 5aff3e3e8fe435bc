import * as vscode from 'vscode';
import { CancelSource } from '../core/cancel';
import { tagged, type Logger } from '../core/logger';
import { downloadRunReports } from '../core/github/artifacts';
import { ciTestArgs, notRunReason, testsInputFor, type SelectedTest } from '../core/github/testsInput';
import { dispatchWorkflow } from '../core/github/dispatch';
import { GitHubApiError, redact } from '../core/github/errors';
import { followRun } from '../core/github/follower';
import { pushBranch, remoteDifference } from '../core/github/gitState';
import { describeConclusion, runPhase, type WorkflowRun } from '../core/github/types';
import type { FolderTests } from '../testing/folderTree';
import { itemData } from '../testing/itemData';
import { collectLeaves } from '../testing/itemTree';
import { noTokenMessage, type GitHubTokens } from './auth';
import { crlf } from '../core/pytest/runResults';
import { reportCiResults, type CiItemResult } from './ciResults';
import { githubClientFor, junitArtifactPattern, resolveTarget, type CiTarget } from './target';
import { OPEN_LOGS, RERUN_FAILED } from './trigger';
import type { GitHubClient } from '../core/github/client';
import { Commands } from '../ids';
import type { CiUi } from './ui';
import { planShards, type ShardPlan } from './ciShards';
import { SHARDS_INPUT } from '../core/ci/prepareWorkflow';
import { DISPATCH_INPUTS_LIMIT, shardNotRunMessage, shardsWithoutReport } from '../core/ci/shards';

/** How a "Run on CI" ended; the host tests read it (a TestRun cannot be read back). */
export type CiTestRunResult =
  | { kind: 'refused'; reason: string }
  | { kind: 'cancelled'; runId: number | undefined; cancelledOnGitHub: boolean }
  | { kind: 'noReport'; runId: number; message: string }
  | { kind: 'reported'; runId: number; results: CiItemResult[]; shards?: ShardOutcome[] };

/** A shard of a sharded run: its tests (item ids), and whether its report came back. */
interface ShardOutcome {
  index: number;
  ids: string[];
  reported: boolean;
}

interface CiTestDeps {
  logger: Logger;
  tokens: GitHubTokens;
  ui: () => CiUi;
  folderTests: () => readonly FolderTests[];
  /** What a CI run reported joins the tests' outcome history (flakiness), once per CI run. */
  recordResults?: (runId: number, results: readonly CiItemResult[]) => void;
  /** A test's expected time from its history (by item id), to balance the shards. */
  expectedMs?: (itemId: string) => number | undefined;
}

/** The "Run on CI" profile beside Run and Debug on every folder's controller. */
export class CiTestProfiles implements vscode.Disposable {
  private readonly profiles = new Map<vscode.TestController, vscode.TestRunProfile>();
  private readonly logger: Logger;
  readonly results: CiTestRunResult[] = [];

  constructor(private readonly deps: CiTestDeps) {
    this.logger = tagged(deps.logger, 'ci');
  }

  /** Adds the profile to every controller that has none yet (call again when folders change). */
  sync(): void {
    const live = new Set<vscode.TestController>();
    for (const tests of this.deps.folderTests()) {
      live.add(tests.controller);
      if (!this.profiles.has(tests.controller))
        this.profiles.set(
          tests.controller,
          tests.controller.createRunProfile('Run on CI', vscode.TestRunProfileKind.Run, (request, token) =>
            this.run(tests, request, token).then((r) => void this.results.push(r)),
          ),
        );
    }
    for (const controller of [...this.profiles.keys()])
      if (!live.has(controller)) this.profiles.delete(controller);
  }

  all(): vscode.TestRunProfile[] {
    return [...this.profiles.values()];
  }

  private async run(
    tests: FolderTests,
    request: vscode.TestRunRequest,
    token: vscode.CancellationToken,
  ): Promise<CiTestRunResult> {
    const { controller } = tests;
    const ui = this.deps.ui();
    const excluded = new Set(request.exclude ?? []);
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include.filter((i) => !excluded.has(i)));
    else controller.items.forEach((i) => void roots.push(i));
    const leaves = new Set<vscode.TestItem>();
    for (const r of roots) collectLeaves(r, excluded, leaves);
    const run = controller.createTestRun(request, 'Run on CI', true);
    const say = (line: string) => run.appendOutput(crlf(`${line}\n`));
    const refuse = (reason: string): CiTestRunResult => {
      this.logger.warn(`Run on CI: ${reason}`);
      say(reason);
      for (const l of leaves) run.errored(l, new vscode.TestMessage(`Not run on CI: ${reason}`));
      void ui.notify('error', reason, []);
      run.end();
      return { kind: 'refused', reason };
    };
    for (const l of leaves) run.enqueued(l);

    const resolved = await resolveTarget(this.logger, { fetch: true });
    if (resolved.kind === 'refused') return refuse(resolved.reason);
    const t = resolved.target;
    const input = testsInputFor(t.inputs, t.settings.get('ci.testsInput'), t.workflow);
    if (input.kind === 'missing') return refuse(input.reason);
    const selected: SelectedTest[] = roots.map((i) => {
      const d = itemData.get(i)!;
      return d.kind === 'folder' ? { rootdir: d.dir, nodeid: '' } : { rootdir: d.rootdir, nodeid: d.nodeid };
    });
    const args = ciTestArgs(t.cwd, selected);
    const shardCount = Math.max(1, Math.floor(t.settings.get('ci.shards')));
    let plan: ShardPlan | undefined;
    if (shardCount > 1) {
      if (!t.inputs.some((i) => i.name === SHARDS_INPUT && i.type === 'string'))
        return refuse(
          `\`codespaceTests.ci.shards\` is ${shardCount}, but ${t.workflow} has no string input "${SHARDS_INPUT}" for them. Run Prepare the Workflow for Test Results with the shard matrix and merge it into the default branch, or set \`codespaceTests.ci.shards\` to 1.`,
        );
      plan = planShards(leaves, shardCount, t.cwd, (id) => this.deps.expectedMs?.(id));
    }
    const inputs = plan ? { [input.name]: '', [SHARDS_INPUT]: plan.input } : { [input.name]: args };
    if (JSON.stringify(inputs).length > DISPATCH_INPUTS_LIMIT)
      return refuse(
        `The selected tests make ${JSON.stringify(inputs).length} characters of inputs, more than GitHub takes in one dispatch (${DISPATCH_INPUTS_LIMIT}). Select their folders or files instead of single tests.`,
      );
    let branch = t.git.upstream?.branch ?? t.git.branch;
    const difference = remoteDifference(t.git);
    if (difference) {
      const choice = await ui.chooseBeforeDispatch(difference.reason, difference.canPush);
      if (choice === 'cancel') return refuse(`Not dispatched: ${difference.reason}`);
      if (choice === 'push') {
        const remote = t.git.upstream?.remote ?? t.git.remote!;
        try {
          const notRecorded = await pushBranch({
            cwd: t.cwd,
            branch: t.git.branch,
            remote,
            remoteBranch: t.git.upstream?.branch,
            setUpstream: !t.git.upstream,
            logger: this.logger,
          });
          // Pushed: CI can run it; only the upstream is missing.
          if (notRecorded) void ui.notify('warning', notRecorded, []);
        } catch (e) {
          return refuse(
            `Pushing ${t.git.branch} to ${remote} failed: ${(e as Error).message}. Push it yourself, then run on CI again.`,
          );
        }
        branch = t.git.upstream?.branch ?? t.git.branch;
      }
    }
    const gh = await this.deps.tokens.resolve(t.destination, { interactive: true });
    if (!gh) return refuse(noTokenMessage(t.destination));
    const client = githubClientFor(t, gh, this.logger);
    const fail = (e: unknown) =>
      refuse(
        e instanceof GitHubApiError
          ? e.failure.message
          : redact(`Run on CI failed: ${(e as Error).message}`, gh.value),
      );

    say(
      `Dispatching ${t.workflow} on ${t.repo.owner}/${t.repo.repo}@${branch} with ${input.name}=${plan ? "''" : args}`,
    );
    for (const s of plan?.shards ?? []) say(`Shard ${s.index}: ${s.items.length} test(s): ${s.tests}`);
    let runId: number;
    try {
      const dispatched = await dispatchWorkflow({
        client,
        workflow: t.workflow,
        branch,
        inputs,
        logger: this.logger,
      });
      runId = dispatched.runId;
      if (dispatched.htmlUrl) say(`CI run: ${dispatched.htmlUrl}`);
    } catch (e) {
      return fail(e);
    }
    return this.followAndReport({ tests, leaves, run, say, refuse, fail, client, t, runId, token, plan });
  }

  /**
   * Follows a dispatched (or re-run) CI run in the test run's output until it completes, then lays its JUnit
   * report on the tree. A failed run offers a re-run of its failed jobs, followed the same way in a new test run.
   */
  private async followAndReport(c: {
    tests: FolderTests;
    leaves: Set<vscode.TestItem>;
    run: vscode.TestRun;
    say: (line: string) => void;
    refuse: (reason: string) => CiTestRunResult;
    fail: (e: unknown) => CiTestRunResult;
    client: GitHubClient;
    t: CiTarget;
    runId: number;
    token: vscode.CancellationToken;
    afterAttempt?: number;
    /** The shards the tests were split into, when they were. */
    plan?: ShardPlan;
  }): Promise<CiTestRunResult> {
    const { leaves, run, say, refuse, fail, client, t, runId, token, plan } = c;
    const ui = this.deps.ui();
    for (const l of leaves) run.started(l);
    const follow = new CancelSource();
    let cancelled: Promise<boolean> | undefined;
    const onCancel = token.onCancellationRequested(() => {
      follow.cancel();
      say(`Cancelling run ${runId} on GitHub…`);
      cancelled = client.cancelRun(runId).then(
        (r) => {
          say(
            r === 'cancelling' ? `GitHub is cancelling run ${runId}.` : `Run ${runId} had already completed.`,
          );
          return r === 'cancelling';
        },
        (e: unknown) => {
          say(`Could not cancel run ${runId}: ${(e as Error).message}. Cancel it on its page.`);
          return false;
        },
      );
    });
    const base = Math.max(1, t.settings.get('ci.pollIntervalSeconds')) * 1000;
    let last: WorkflowRun | undefined;
    try {
      const outcome = await followRun({
        client,
        runId,
        baseMs: base,
        maxMs: Math.max(base, 60_000),
        token: follow.token,
        logger: this.logger,
        afterAttempt: c.afterAttempt,
        onUpdate: (u) => {
          if (u.kind === 'run') {
            if (!last) say(`CI run #${u.run.run_number}: ${u.run.html_url}`);
            last = u.run;
            say(
              `Status: ${runPhase(u.run).replace('_', ' ')}${u.run.status === 'completed' ? ` (${describeConclusion(u.run.conclusion)})` : ''}`,
            );
          } else say(`Waiting: ${u.reason}`);
        },
      });
      if (outcome.kind === 'cancelled') {
        const onGitHub = (await cancelled) ?? false;
        for (const l of leaves) run.skipped(l);
        run.end();
        return { kind: 'cancelled', runId, cancelledOnGitHub: onGitHub };
      }
      if (outcome.kind === 'failed')
        return refuse(`Stopped following CI run ${runId}: ${outcome.failure.message}`);
      const reports = await downloadRunReports({
        client,
        runId,
        pattern: junitArtifactPattern(t),
        logger: this.logger,
      });
      const shardOf = new Map(plan?.shards.flatMap((s) => s.items.map((i) => [i, s.index] as const)));
      const missing = new Set(
        plan
          ? shardsWithoutReport(
              plan.shards.map((s) => s.index),
              reports.kind === 'reports' ? reports.artifacts : [],
            )
          : [],
      );
      const shards = plan?.shards.map((s) => ({
        index: s.index,
        ids: s.items.map((i) => i.id),
        reported: !missing.has(s.index),
      }));
      for (const k of missing) say(shardNotRunMessage(k, outcome.run));
      const shardNotRun = (item: vscode.TestItem) => {
        const k = shardOf.get(item);
        return k !== undefined && missing.has(k) ? shardNotRunMessage(k, outcome.run) : undefined;
      };
      if (reports.kind !== 'reports') {
        say(reports.message);
        for (const l of leaves)
          run.errored(l, new vscode.TestMessage(shardNotRun(l) ?? `Not run on CI: ${reports.message}`));
        void ui.notify('warning', reports.message, []);
        run.end();
        return { kind: 'noReport', runId, message: reports.message };
      }
      say(`Report: ${reports.files.map((f) => f.source).join(', ')}`);
      const { reported } = reportCiResults({
        run,
        controller: c.tests.controller,
        repoRoot: t.cwd,
        evidence: { kind: 'reports', files: reports.files },
        expected: leaves,
        notRun: (item) => shardNotRun(item) ?? notRunReason(outcome.run, reports.artifacts),
      });
      run.end();
      this.deps.recordResults?.(runId, reported);
      if (outcome.run.conclusion !== 'success') this.offerRerun(c, outcome.run, reported);
      return { kind: 'reported', runId, results: reported, ...(shards ? { shards } : {}) };
    } catch (e) {
      return fail(e);
    } finally {
      onCancel.dispose();
    }
  }

  /** A failed Run on CI's notice: re-run its failed jobs (followed into a new test run), or open its logs. */
  private offerRerun(
    c: Parameters<CiTestProfiles['followAndReport']>[0],
    ciRun: WorkflowRun,
    reported: readonly CiItemResult[],
  ): void {
    const failed = reported.filter((r) => r.outcome === 'failed' || r.outcome === 'errored').length;
    const message = `Run on CI: CI run #${ciRun.run_number} ${describeConclusion(ciRun.conclusion)}${failed ? ` with ${failed} failed test(s)` : ''}.`;
    void this.deps
      .ui()
      .notify('error', message, [RERUN_FAILED, OPEN_LOGS])
      .then(async (picked) => {
        if (picked === OPEN_LOGS) await vscode.commands.executeCommand(Commands.openCiRunLogs, ciRun);
        if (picked === RERUN_FAILED) this.rerunning = this.rerun(c, ciRun);
      });
  }

  /** The failed jobs of a Run on CI, again: a new test run of the same tests follows the new attempt. */
  private async rerun(
    c: Parameters<CiTestProfiles['followAndReport']>[0],
    ciRun: WorkflowRun,
  ): Promise<CiTestRunResult> {
    const run = c.tests.controller.createTestRun(
      new vscode.TestRunRequest([...c.leaves]),
      'Run on CI (re-run)',
      true,
    );
    const say = (line: string) => run.appendOutput(crlf(`${line}\n`));
    const refuse = (reason: string): CiTestRunResult => {
      this.logger.warn(`Run on CI (re-run): ${reason}`);
      say(reason);
      for (const l of c.leaves) run.errored(l, new vscode.TestMessage(`Not re-run on CI: ${reason}`));
      void this.deps.ui().notify('error', reason, []);
      run.end();
      return { kind: 'refused', reason };
    };
    for (const l of c.leaves) run.enqueued(l);
    try {
      await c.client.rerun(ciRun.id, 'failedJobs');
    } catch (e) {
      return refuse(
        `GitHub did not re-run CI run #${ciRun.run_number}: ${e instanceof GitHubApiError ? e.failure.message : (e as Error).message}`,
      );
    }
    say(`Re-running the failed jobs of CI run #${ciRun.run_number}: ${ciRun.html_url}`);
    const cancel = new vscode.CancellationTokenSource();
    const result = await this.followAndReport({
      ...c,
      run,
      say,
      refuse,
      fail: (e) => refuse(e instanceof GitHubApiError ? e.failure.message : (e as Error).message),
      token: cancel.token,
      afterAttempt: ciRun.run_attempt ?? 1,
    });
    cancel.dispose();
    this.results.push(result);
    return result;
  }

  /** The re-run a failed Run on CI's notice started, until it ends (host tests await it). */
  rerunning: Promise<CiTestRunResult> | undefined;

  dispose(): void {
    this.profiles.forEach((p) => p.dispose());
    this.profiles.clear();
  }
}
