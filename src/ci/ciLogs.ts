import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { storeRunLogs, type CiLogSources } from '../core/ci/ciLogSources';
import { GitHubApiError } from '../core/github/errors';
import { downloadRunLogs } from '../core/github/jobLogs';
import type { WorkflowRun } from '../core/github/types';
import type { LogStore } from '../core/logs/logStore';
import { Commands } from '../ids';
import type { OpenLogViewerArgs } from '../logs/logViewerPanel';
import type { GitHubTokens } from './auth';
import { connectToGitHub } from './target';
import type { CiUi } from './ui';

/** How "Open Logs" ended (host tests read it): the sources opened and where the viewer opened. */
export type OpenLogsOutcome =
  | { kind: 'opened'; sources: CiLogSources; args: OpenLogViewerArgs; skipped: string[] }
  | { kind: 'notOpened'; message: string };

/**
 * "Open Logs" of a CI run: its jobs' logs from GitHub (no browser), one log viewer source per step, each line
 * at the log's own time with its colours; the viewer opens at the first error line of the first failed step.
 */
export class CiRunLogs {
  constructor(
    private readonly deps: { logger: Logger; tokens: GitHubTokens; store: LogStore; ui: () => CiUi },
  ) {}

  async open(run: WorkflowRun, only?: { jobId?: number; step?: number }): Promise<OpenLogsOutcome> {
    const { logger } = this.deps;
    const notOpened = (message: string): OpenLogsOutcome => {
      logger.warn(`Open Logs of CI run #${run.run_number}: ${message}`);
      void this.deps.ui().notify('warning', message, []);
      return { kind: 'notOpened', message };
    };
    const c = await connectToGitHub(logger, this.deps.tokens, { interactive: true });
    if (c.kind === 'refused') return notOpened(c.reason);
    let got: Awaited<ReturnType<typeof downloadRunLogs>>;
    try {
      got = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `CI: reading the logs of run #${run.run_number}` },
        () => downloadRunLogs({ client: c.client, runId: run.id, logger }),
      );
    } catch (e) {
      return notOpened(e instanceof GitHubApiError ? e.failure.message : (e as Error).message);
    }
    if (got.kind !== 'logs')
      return notOpened(
        run.status === 'completed'
          ? got.message
          : `CI run #${run.run_number} is still running; its jobs' logs can be read once they finish. ${got.message}`,
      );
    const logs = only?.jobId === undefined ? got.logs : got.logs.filter((l) => l.jobId === only.jobId);
    const sources = storeRunLogs(this.deps.store, run.id, logs);
    let steps = sources.jobs.flatMap((j) => j.steps);
    if (only?.step !== undefined) steps = steps.filter((s) => s.number === only.step);
    const inView = new Set(steps.map((s) => s.source));
    const reveal =
      sources.reveal && inView.has(sources.reveal.source)
        ? sources.reveal.seq
        : steps.find((s) => s.firstErrorSeq !== undefined && s.conclusion === 'failure')?.firstErrorSeq;
    const args: OpenLogViewerArgs = {
      title: `CI #${run.run_number} on ${run.head_branch ?? '?'}`,
      sources: [...inView],
      revealSeq: reveal,
    };
    for (const note of got.skipped) logger.warn(note);
    logger.info(
      `CI run #${run.run_number}: ${steps.length} step(s) of ${sources.jobs.length} job(s) in the log viewer${reveal === undefined ? '' : ', opened at the first error line'}`,
    );
    await vscode.commands.executeCommand(Commands.openLogViewer, args);
    return { kind: 'opened', sources, args, skipped: got.skipped };
  }
}
