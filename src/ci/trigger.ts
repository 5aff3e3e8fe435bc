import * as vscode from 'vscode';
import { CancelSource } from '../core/cancel';
import type { Logger } from '../core/logger';
import { dispatchWorkflow, type DispatchedRun } from '../core/github/dispatch';
import { GitHubApiError, redact, redactFailure, type GitHubFailure } from '../core/github/errors';
import { followRun, type FollowOutcome } from '../core/github/follower';
import { pushBranch, remoteDifference } from '../core/github/gitState';
import { describeConclusion, runDuration, type WorkflowRun } from '../core/github/types';
import type { GitHubClient } from '../core/github/client';
import { inputValue } from '../core/github/workflow';
import { Commands } from '../ids';
import { noTokenMessage, tokenAdvice, type GitHubToken, type GitHubTokens } from './auth';
import type { CiRunsView } from './runsView';
import type { CiStatusBar } from './statusBar';
import { connectToGitHub, githubClientFor, resolveTarget, type CiTarget } from './target';
import { openGitHubPage, type CiUi } from './ui';

export type TriggerResult =
  | {
      kind: 'dispatched';
      run: DispatchedRun;
      branch: string;
      inputs: Record<string, string>;
      followed: Promise<FollowOutcome>;
    }
  | { kind: 'cancelled'; at: 'input' | 'push' | 'signIn' }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; failure: GitHubFailure };

/** How a re-run from the CI Runs view or a failed run's notice went; the run is followed like a dispatch. */
export type RerunResult =
  | { kind: 'rerun'; runId: number; which: RerunWhich; followed: Promise<FollowOutcome> }
  | { kind: 'refused'; reason: string };

export type RerunWhich = 'failedJobs' | 'all';

/** The actions of a failed run's notice. */
export const RERUN_FAILED = 'Re-run Failed Jobs';
export const OPEN_LOGS = 'Open Logs';

/** "Trigger CI on Branch": read the branch and workflow, ask the inputs, dispatch, follow the run. */
export class CiTrigger implements vscode.Disposable {
  private following: CancelSource | undefined;
  /** The follow-up of the latest dispatch (host tests await it). */
  lastFollow: Promise<FollowOutcome> | undefined;

  constructor(
    private readonly deps: {
      logger: Logger;
      statusBar: CiStatusBar;
      runsView: CiRunsView;
      tokens: GitHubTokens;
      ui: () => CiUi;
    },
  ) {}

  async trigger(): Promise<TriggerResult> {
    const { logger } = this.deps;
    const ui = this.deps.ui();
    const resolved = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'CI: reading the branch' },
      () => resolveTarget(logger, { fetch: true }),
    );
    if (resolved.kind === 'refused') {
      logger.warn(`Trigger CI refused: ${resolved.reason}`);
      void ui.notify('error', resolved.reason, []);
      return { kind: 'refused', reason: resolved.reason };
    }
    const t = resolved.target;
    const inputs: Record<string, string> = {};
    for (const [i, input] of t.inputs.entries()) {
      const answer = await ui.askInput(input, i + 1, t.inputs.length);
      if (answer === undefined) {
        logger.info('Trigger CI cancelled at the inputs.');
        return { kind: 'cancelled', at: 'input' };
      }
      const value = inputValue(input, answer);
      if (value !== undefined) inputs[input.name] = value;
    }
    let branch = t.git.upstream?.branch ?? t.git.branch;
    const difference = remoteDifference(t.git);
    if (difference) {
      const choice = await ui.chooseBeforeDispatch(difference.reason, difference.canPush);
      if (choice === 'cancel') return { kind: 'cancelled', at: 'push' };
      if (choice === 'push') {
        const pushed = await this.push(t);
        if (pushed) return pushed;
        branch = t.git.upstream?.branch ?? t.git.branch;
      }
    }
    const token = await this.deps.tokens.resolve(t.destination, { interactive: true });
    if (!token) {
      const set = 'Set GitHub Token…';
      void ui.notify('error', noTokenMessage(t.destination), [set]).then(async (picked) => {
        if (picked === set) await vscode.commands.executeCommand(Commands.setGitHubToken);
      });
      return { kind: 'cancelled', at: 'signIn' };
    }
    return this.dispatch(t, branch, inputs, token);
  }

  private async push(t: CiTarget): Promise<TriggerResult | undefined> {
    const remote = t.git.upstream?.remote ?? t.git.remote!;
    try {
      const notRecorded = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Pushing ${t.git.branch} to ${remote}…` },
        () =>
          pushBranch({
            cwd: t.cwd,
            branch: t.git.branch,
            remote,
            remoteBranch: t.git.upstream?.branch,
            setUpstream: !t.git.upstream,
            logger: this.deps.logger,
          }),
      );
      // Pushed: CI can run it. Only the upstream is missing, which the next Trigger CI would ask about.
      if (notRecorded) void this.deps.ui().notify('warning', notRecorded, []);
      return undefined;
    } catch (e) {
      const reason = `Pushing ${t.git.branch} to ${remote} failed: ${(e as Error).message}. Push it yourself (or pull first), then trigger CI again.`;
      this.deps.logger.warn(reason);
      void this.deps.ui().notify('error', reason, []);
      return { kind: 'refused', reason };
    }
  }

  private async dispatch(
    t: CiTarget,
    branch: string,
    inputs: Record<string, string>,
    token: GitHubToken,
  ): Promise<TriggerResult> {
    const { logger, statusBar } = this.deps;
    const client = githubClientFor(t, token, logger);
    logger.info(
      `Dispatching ${t.workflow} on ${t.repo.owner}/${t.repo.repo}@${branch} with inputs ${JSON.stringify(inputs)}`,
    );
    statusBar.show({ kind: 'dispatching', branch });
    let run: DispatchedRun;
    try {
      run = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Triggering CI on ${branch}…` },
        () => dispatchWorkflow({ client, workflow: t.workflow, branch, inputs, logger }),
      );
    } catch (e) {
      statusBar.show({ kind: 'hidden' });
      const failure: GitHubFailure =
        e instanceof GitHubApiError
          ? e.failure
          : {
              kind: 'unexpected',
              status: undefined,
              message: redact(`Triggering CI failed: ${(e as Error).message}`, token.value),
            };
      return this.reportFailure(t, branch, inputs, token, failure);
    }
    logger.info(
      `Run ${run.runId} started (${run.foundBy === 'details' ? 'named by GitHub' : 'found by listing runs'}): ${run.htmlUrl ?? ''}`,
    );
    const followed = this.follow(t, client, run, branch, token);
    return { kind: 'dispatched', run, branch, inputs, followed };
  }

  /**
   * Re-runs a completed run's failed jobs, or the whole run, and follows the new attempt in the status bar as a
   * dispatched run is followed; its end is told the same way.
   */
  async rerun(run: WorkflowRun, which: RerunWhich): Promise<RerunResult> {
    const { logger, statusBar } = this.deps;
    const ui = this.deps.ui();
    const refuse = (reason: string): RerunResult => {
      logger.warn(`Re-run refused: ${reason}`);
      void ui.notify('warning', reason, []);
      return { kind: 'refused', reason };
    };
    const n = `CI run #${run.run_number}`;
    if (run.status !== 'completed')
      return refuse(`${n} is still running: re-run it once it has finished, or cancel it on its page first.`);
    if (which === 'failedJobs' && run.conclusion === 'success')
      return refuse(
        `${n} passed, so it has no failed jobs to re-run. Use "Re-run All Jobs" to run it again.`,
      );
    const c = await connectToGitHub(logger, this.deps.tokens, { interactive: true });
    if (c.kind === 'refused') return refuse(c.reason);
    const branch = run.head_branch ?? '?';
    statusBar.show({ kind: 'dispatching', branch });
    try {
      await c.client.rerun(run.id, which);
    } catch (e) {
      statusBar.show({ kind: 'hidden' });
      const message = e instanceof GitHubApiError ? e.failure.message : (e as Error).message;
      return refuse(redact(`GitHub did not re-run ${n}: ${message}`, c.token.value));
    }
    logger.info(
      `${n} re-run (${which === 'all' ? 'all jobs' : 'failed jobs'}); following attempt ${(run.run_attempt ?? 1) + 1}`,
    );
    const followed = this.follow(
      c.target,
      c.client,
      { runId: run.id, htmlUrl: run.html_url },
      branch,
      c.token,
      run.run_attempt ?? 1,
    );
    return { kind: 'rerun', runId: run.id, which, followed };
  }

  /** Follows a run in the status bar until it completes, then tells how it ended. */
  private follow(
    t: CiTarget,
    client: GitHubClient,
    run: Pick<DispatchedRun, 'runId' | 'htmlUrl'>,
    branch: string,
    token: GitHubToken,
    afterAttempt?: number,
  ): Promise<FollowOutcome> {
    const { logger, statusBar, runsView } = this.deps;
    void runsView.refresh();
    this.following?.cancel();
    const cancel = new CancelSource();
    this.following = cancel;
    const base = Math.max(1, t.settings.get('ci.pollIntervalSeconds')) * 1000;
    const followed = followRun({
      client,
      runId: run.runId,
      baseMs: base,
      maxMs: Math.max(base, 60_000),
      token: cancel.token,
      logger,
      afterAttempt,
      onUpdate: (u) => {
        if (cancel.token.isCancellationRequested) return;
        if (u.kind === 'run') statusBar.show({ kind: 'run', run: u.run });
        else
          statusBar.show({
            kind: 'waiting',
            run: statusBar.status.kind === 'run' ? statusBar.status.run : undefined,
            reason: u.reason,
          });
      },
    }).then((outcome) => {
      if (!cancel.token.isCancellationRequested) this.finish(outcome, run, branch, token.value);
      return outcome;
    });
    this.lastFollow = followed;
    return followed;
  }

  private finish(
    outcome: FollowOutcome,
    run: Pick<DispatchedRun, 'htmlUrl'>,
    branch: string,
    token: string,
  ): void {
    const { statusBar, runsView, logger } = this.deps;
    const ui = this.deps.ui();
    void runsView.refresh();
    const url =
      outcome.kind === 'completed' ? outcome.run.html_url : (run.htmlUrl ?? outcome.lastRun?.html_url);
    const open = async (picked: string | undefined) => {
      if (picked === 'Open Run' && url) await openGitHubPage(ui, url, logger);
      if (outcome.kind !== 'completed') return;
      if (picked === RERUN_FAILED) await this.rerun(outcome.run, 'failedJobs');
      if (picked === OPEN_LOGS) await vscode.commands.executeCommand(Commands.openCiRunLogs, outcome.run);
    };
    if (outcome.kind === 'cancelled') return;
    if (outcome.kind === 'failed') {
      const message = redact(`Stopped following the CI run on ${branch}: ${outcome.failure.message}`, token);
      logger.warn(message);
      statusBar.show({ kind: 'stopped', run: outcome.lastRun, message });
      void ui.notify('warning', message, url ? ['Open Run'] : []).then(open);
      return;
    }
    const r = outcome.run;
    const took = runDuration(r);
    if (r.conclusion === 'success') {
      const message = `CI run #${r.run_number} on ${branch} passed${took ? ` in ${took}` : ''}.`;
      logger.info(message);
      void ui.notify('info', message, ['Open Run']).then(open);
    } else {
      const failed = outcome.failedJobs.length ? ` Failed: ${outcome.failedJobs.join('; ')}.` : '';
      const message = `CI run #${r.run_number} on ${branch} ${describeConclusion(r.conclusion)}${took ? ` after ${took}` : ''}.${failed}`;
      logger.warn(message);
      void ui.notify('error', message, ['Open Run', RERUN_FAILED, OPEN_LOGS]).then(open);
    }
  }

  private async reportFailure(
    t: CiTarget,
    branch: string,
    inputs: Record<string, string>,
    token: GitHubToken,
    failure: GitHubFailure,
  ): Promise<TriggerResult> {
    const ui = this.deps.ui();
    let message = failure.message;
    const actions: string[] = [];
    if (failure.kind === 'unauthorized') {
      message = `${message.replace(/ Sign in to GitHub again, or replace the token\.$/, '')} ${tokenAdvice(token.source)}`;
      if (token.source === 'session') actions.push('Sign In Again');
    }
    if (failure.kind === 'network' || failure.kind === 'server') actions.push('Retry');
    if (failure.kind === 'sso' && failure.url) actions.push('Authorize');
    const shown = redactFailure({ ...failure, message }, token.value);
    message = shown.message;
    this.deps.logger.warn(`Trigger CI failed: ${message}`);
    // The answer is awaited in the background: the command's result does not wait for a click.
    void ui.notify('error', message, actions).then(async (picked) => {
      if (picked === 'Retry') await this.dispatch(t, branch, inputs, token);
      else if (picked === 'Authorize' && failure.kind === 'sso' && failure.url)
        await openGitHubPage(ui, failure.url, this.deps.logger);
      else if (picked === 'Sign In Again') {
        const fresh = await this.deps.tokens
          .resolve(t.destination, { interactive: true, forceNewSession: true })
          .catch(() => undefined);
        if (fresh) await this.dispatch(t, branch, inputs, fresh);
      }
    });
    return { kind: 'failed', failure: shown };
  }

  dispose(): void {
    this.following?.cancel();
  }
}
