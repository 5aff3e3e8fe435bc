import * as vscode from 'vscode';
import { Commands, Views } from '../ids';
import { tagged, type Logger } from '../core/logger';
import { CiRunsView } from './runsView';
import { CiStatusBar } from './statusBar';
import type { FollowOutcome } from '../core/github/follower';
import { CiTrigger, type TriggerResult } from './trigger';
import { vscodeUi, type CiUi } from './ui';

/** What host tests reach of the CI part through the ExtensionApi. */
export interface CiApi {
  trigger(): Promise<TriggerResult>;
  /** The follow-up of the latest dispatch, until its run completes. */
  lastFollow(): Promise<FollowOutcome> | undefined;
  statusBar: CiStatusBar;
  runsView: CiRunsView;
  /** Replaces the prompts and notifications (host tests); undefined restores the real ones. */
  setUi(ui: CiUi | undefined): void;
}

/** Registers "Trigger CI on Branch", the CI Runs view and the run status bar item. */
export function registerCi(context: vscode.ExtensionContext, deps: { logger: Logger }): CiApi {
  const logger = tagged(deps.logger, 'ci');
  let ui: CiUi = vscodeUi;
  const statusBar = new CiStatusBar();
  const runsView = new CiRunsView(Views.ciRuns, logger);
  const trigger = new CiTrigger({ logger, statusBar, runsView, ui: () => ui });
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
    vscode.commands.registerCommand(Commands.triggerCi, run),
    vscode.commands.registerCommand(Commands.refreshCiRuns, () => runsView.refresh()),
    vscode.commands.registerCommand(
      Commands.openCiRun,
      async (target?: string | { run?: { html_url?: string } }) => {
        const url = typeof target === 'string' ? target : target?.run?.html_url;
        if (url) await ui.openExternal(url);
      },
    ),
  );
  return {
    trigger: run,
    lastFollow: () => trigger.lastFollow,
    statusBar,
    runsView,
    setUi: (next) => (ui = next ?? vscodeUi),
  };
}
