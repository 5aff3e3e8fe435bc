import * as vscode from 'vscode';
import { CancelSource } from '../core/cancel';
import type { Logger } from '../core/logger';
import { watchBranch, type WatchEnd } from '../core/github/branchWatch';
import { describeConclusion, runDuration, type WorkflowRun } from '../core/github/types';
import { Commands, ConfigSection } from '../ids';
import type { GitHubTokens } from './auth';
import { markOffered, wasOffered } from './offeredRuns';
import { connectToGitHub } from './target';
import { OPEN_LOGS } from './trigger';
import type { CiUi } from './ui';

const SHOW_RESULTS = 'Show Results';

/** What the watch is doing (host tests read it). */
type WatchState =
  | { kind: 'off'; why: string }
  | { kind: 'watching'; branch: string; lastResult: WorkflowRun | undefined }
  | { kind: 'stopped'; message: string };

/**
 * The watch on the default branch: polls the workflow's runs there with conditional requests (a 304 costs no
 * rate limit), shows its last result in the status bar, and tells a newly failed scheduled run once, with
 * Show Results and Open Logs. `codespaceTests.ci.watch.enabled` turns it off.
 */
export class MasterWatch implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'codespaceTests.ci.master',
    vscode.StatusBarAlignment.Left,
    39,
  );
  private running: CancelSource | undefined;
  state: WatchState = { kind: 'off', why: 'not started' };
  /** The current watch loop, until it ends (host tests await it after turning the watch off). */
  loop: Promise<WatchEnd> | undefined;
  /** The notices of newly failed runs, as they settle (host tests await the click's outcome). */
  readonly told: Promise<unknown>[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly deps: {
      logger: Logger;
      tokens: GitHubTokens;
      memento: vscode.Memento;
      ui: () => CiUi;
    },
  ) {
    this.item.name = 'CI on the Default Branch';
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${ConfigSection}.ci`)) void this.restart();
      }),
    ];
  }

  /** Starts (or starts over) when turned on; stops and hides when turned off. */
  async restart(): Promise<void> {
    this.stop();
    const { logger } = this.deps;
    const c = await connectToGitHub(logger, this.deps.tokens, { interactive: false });
    if (c.kind === 'refused') return this.off(c.reason);
    if (!c.target.settings.get('ci.watch.enabled'))
      return this.off('codespaceTests.ci.watch.enabled is false');
    let branch: string;
    try {
      branch = (await c.client.getRepository()).defaultBranch;
    } catch (e) {
      return this.off(`the repository could not be read: ${(e as Error).message}`);
    }
    const cancel = new CancelSource();
    // Another restart may have begun a loop while this one read the repository: one loop at a time.
    this.stop();
    this.running = cancel;
    const intervalMs = Math.max(10, c.target.settings.get('ci.watch.intervalSeconds')) * 1000;
    this.state = { kind: 'watching', branch, lastResult: undefined };
    logger.info(
      `Watching ${c.target.workflow} on ${branch} every ${intervalMs / 1000}s (conditional requests)`,
    );
    this.loop = watchBranch({
      client: c.client,
      workflow: c.target.workflow,
      branch,
      intervalMs,
      token: cancel.token,
      logger,
      isNew: (run) => !wasOffered(this.deps.memento, run),
      onEvent: (e) => {
        if (cancel.token.isCancellationRequested) return;
        if (e.kind === 'lastResult') {
          this.state = { kind: 'watching', branch, lastResult: e.run };
          this.show(branch, e.run);
        } else if (e.kind === 'newFailure') this.told.push(this.tell(branch, e.run));
        else this.item.tooltip = `Polling ${branch} paused (${e.reason}); it resumes on its own.`;
      },
    }).then((end) => {
      if (end.kind === 'stopped' && !cancel.token.isCancellationRequested) {
        const message = `Stopped watching CI on ${branch}: ${end.failure.message}`;
        logger.warn(message);
        this.state = { kind: 'stopped', message };
        this.item.text = `$(warning) ${branch}: CI not watched`;
        this.item.tooltip = message;
        this.item.backgroundColor = undefined;
      }
      return end;
    });
  }

  private stop(): void {
    this.running?.cancel();
    this.running = undefined;
  }

  private off(why: string): void {
    this.deps.logger.debug(`Not watching CI on the default branch: ${why}`);
    this.state = { kind: 'off', why };
    this.item.hide();
  }

  private show(branch: string, run: WorkflowRun | undefined): void {
    if (!run) {
      this.item.text = `$(circle-outline) ${branch}: no CI result yet`;
      this.item.tooltip = `No completed run of the workflow on ${branch} yet.`;
      this.item.command = undefined;
      this.item.backgroundColor = undefined;
    } else {
      const passed = run.conclusion === 'success';
      const took = runDuration(run);
      // `main: CI passed`: the branch first, so it is not read as the followed run's item (`CI #12 passed`).
      this.item.text = `$(${passed ? 'pass' : 'error'}) ${branch}: CI ${passed ? 'passed' : describeConclusion(run.conclusion)}`;
      this.item.tooltip = `${branch}'s last CI run: #${run.run_number} (${run.event === 'schedule' ? 'scheduled' : run.event.replace('_', ' ')}) ${describeConclusion(run.conclusion)}${took ? ` in ${took}` : ''}, ${new Date(run.updated_at).toLocaleString()}. Click to open it. Turn this off with codespaceTests.ci.watch.enabled.`;
      this.item.command = { title: 'Open CI Run', command: Commands.openCiRun, arguments: [run.html_url] };
      this.item.backgroundColor = passed ? undefined : new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  /** One notice per failed scheduled run (shared with the CI Runs view's offer, across windows). */
  private async tell(branch: string, run: WorkflowRun): Promise<unknown> {
    if (!(await markOffered(this.deps.memento, run))) return undefined;
    const message = `The scheduled CI run #${run.run_number} on ${branch} failed.`;
    this.deps.logger.warn(message);
    const picked = await this.deps.ui().notify('error', message, [SHOW_RESULTS, OPEN_LOGS]);
    if (picked === SHOW_RESULTS) return vscode.commands.executeCommand(Commands.showCiRunResults, run);
    if (picked === OPEN_LOGS) return vscode.commands.executeCommand(Commands.openCiRunLogs, run);
    return undefined;
  }

  dispose(): void {
    this.stop();
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
