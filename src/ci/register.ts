import * as vscode from 'vscode';
import { Commands, Views } from '../ids';
import { tagged, type Logger } from '../core/logger';
import { CiRunsView } from './runsView';
import { CiStatusBar } from './statusBar';
import type { FollowOutcome } from '../core/github/follower';
import { CiTrigger, type RerunResult, type RerunWhich, type TriggerResult } from './trigger';
import { CiRunLogs } from './ciLogs';
import { MasterWatch } from './masterWatch';
import type { LogStore } from '../core/logs/logStore';
import type { WorkflowRun } from '../core/github/types';
import { GitHubTokens } from './auth';
import { openGitHubPage, vscodeUi, type CiUi } from './ui';

/** What host tests reach of the CI part through the ExtensionApi. */
export interface CiApi {
  trigger(): Promise<TriggerResult>;
  /** The follow-up of the latest dispatch, until its run completes. */
  lastFollow(): Promise<FollowOutcome> | undefined;
  statusBar: CiStatusBar;
  runsView: CiRunsView;
  /** Replaces the prompts and notifications (host tests); undefined restores the real ones. */
  setUi(ui: CiUi | undefined): void;
  /** The prompts in use and the tokens, for the CI results in the Test Explorer. */
  ui(): CiUi;
  tokens: GitHubTokens;
  /** "Open Logs" of a CI run: its steps as log viewer sources. */
  runLogs: CiRunLogs;
  /** The watch on the default branch and its status bar item. */
  watch: MasterWatch;
  /** Re-runs a run's failed jobs or all of it, and follows it. */
  rerun(run: WorkflowRun, which: RerunWhich): Promise<RerunResult>;
}

/** The run a CI Runs view command was invoked on: the node, or the run itself (a notice's action). */
function runOf(target?: WorkflowRun | { run?: WorkflowRun }): WorkflowRun | undefined {
  return target && 'id' in target ? target : target?.run;
}

/** Registers "Trigger CI on Branch", the CI Runs view and the run status bar item. */
export function registerCi(
  context: vscode.ExtensionContext,
  deps: { logger: Logger; logStore: LogStore },
): CiApi {
  const logger = tagged(deps.logger, 'ci');
  let ui: CiUi = vscodeUi;
  const statusBar = new CiStatusBar();
  const tokens = new GitHubTokens(context.secrets, context.extensionMode !== vscode.ExtensionMode.Production);
  const runsView = new CiRunsView(Views.ciRuns, logger, tokens);
  const trigger = new CiTrigger({ logger, statusBar, runsView, tokens, ui: () => ui });
  const runLogs = new CiRunLogs({ logger, tokens, store: deps.logStore, ui: () => ui });
  const watch = new MasterWatch({ logger, tokens, memento: context.workspaceState, ui: () => ui });
  void watch.restart();
  const pickRunFirst = (what: string) =>
    void ui.notify('info', `Pick a run in the CI Runs view to ${what}.`, []);
  const rerun = async (run: WorkflowRun, which: RerunWhich): Promise<RerunResult> => {
    try {
      return await trigger.rerun(run, which);
    } catch (e) {
      const reason = `Re-running CI run #${run.run_number} failed unexpectedly: ${(e as Error).message}`;
      logger.error(reason);
      void ui.notify('error', reason, []);
      return { kind: 'refused', reason };
    }
  };
  const run = async (): Promise<TriggerResult> => {
    try {
      return await trigger.trigger();
    } catch (e) {
      // Nothing reaches the person as an unhandled rejection.
      const reason = `Trigger CI failed unexpectedly: ${(e as Error).message}`;
      logger.error(reason);
      void ui.notify('error', reason, []);
      return { kind: 'refused', reason };
    }
  };
  context.subscriptions.push(
    statusBar,
    runsView,
    trigger,
    watch,
    vscode.commands.registerCommand(Commands.triggerCi, run),
    vscode.commands.registerCommand(
      Commands.openCiRunLogs,
      (target?: WorkflowRun | { run?: WorkflowRun }, only?: { jobId?: number; step?: number }) => {
        const r = runOf(target);
        return r ? runLogs.open(r, only) : pickRunFirst('open its logs');
      },
    ),
    vscode.commands.registerCommand(
      Commands.rerunFailedJobs,
      (target?: WorkflowRun | { run?: WorkflowRun }) => {
        const r = runOf(target);
        return r ? rerun(r, 'failedJobs') : pickRunFirst('re-run its failed jobs');
      },
    ),
    vscode.commands.registerCommand(Commands.rerunCiRun, (target?: WorkflowRun | { run?: WorkflowRun }) => {
      const r = runOf(target);
      return r ? rerun(r, 'all') : pickRunFirst('re-run it');
    }),
    vscode.commands.registerCommand(Commands.refreshCiRuns, () => runsView.refresh()),
    vscode.commands.registerCommand(
      Commands.openCiRun,
      async (target?: string | { run?: { html_url?: string } }) => {
        const url = typeof target === 'string' ? target : target?.run?.html_url;
        if (url) await openGitHubPage(ui, url, logger);
      },
    ),
    vscode.commands.registerCommand(Commands.setGitHubToken, async (): Promise<boolean> => {
      const token = await ui.askToken();
      if (!token) return false;
      await tokens.store(token);
      logger.info('A GitHub token was set; it is kept in the secret storage.');
      void ui.notify(
        'info',
        'GitHub token saved in VS Code’s secret storage. It is sent only to GitHub.',
        [],
      );
      void runsView.refresh();
      void watch.restart();
      return true;
    }),
    vscode.commands.registerCommand(Commands.clearGitHubToken, async (): Promise<boolean> => {
      const had = await tokens.hasStored();
      await tokens.clear();
      logger.info(
        had ? 'The stored GitHub token was cleared.' : 'There was no stored GitHub token to clear.',
      );
      void ui.notify(
        'info',
        had
          ? 'GitHub token cleared. CI now uses your GitHub sign-in.'
          : 'No GitHub token was stored; CI uses your GitHub sign-in.',
        [],
      );
      void runsView.refresh();
      return had;
    }),
  );
  return {
    trigger: run,
    lastFollow: () => trigger.lastFollow,
    statusBar,
    runsView,
    setUi: (next) => (ui = next ?? vscodeUi),
    ui: () => ui,
    tokens,
    runLogs,
    watch,
    rerun,
  };
}
