import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { downloadRunReports } from '../core/github/artifacts';
import { downloadRunLogs } from '../core/github/jobLogs';
import { GitHubApiError } from '../core/github/errors';
import { describeConclusion, type WorkflowRun } from '../core/github/types';
import type { FolderTests } from '../testing/folderTree';
import { noTokenMessage, type GitHubTokens } from './auth';
import { reportCiResults, type CiEvidence, type CiItemResult } from './ciResults';
import type { RunsState } from './runsView';
import { githubClientFor, junitArtifactPattern, resolveTarget } from './target';
import type { CiUi } from './ui';
import { markOffered } from './offeredRuns';

/** The context value of a CI result's message: its menu offers "Rerun Locally". */
const CI_RESULT_CONTEXT = 'codespaceTests.ciResult';

export type ShowResultsOutcome =
  | {
      kind: 'shown';
      runName: string;
      results: CiItemResult[];
      unmatched: number;
      /** Where the results were read: the JUnit artifact, or (without one) the jobs' logs. */
      source: 'report' | 'log';
      /** Item ids of the tests the logs never name (neither passed nor failed: not there). */
      notInLog: string[];
    }
  | { kind: 'notShown'; message: string };

interface ShowResultsDeps {
  logger: Logger;
  tokens: GitHubTokens;
  ui: () => CiUi;
  folderTests: () => readonly FolderTests[];
  /** Runs already offered (the newest failed scheduled run is offered once). */
  memento: vscode.Memento;
  /** What the CI run reported joins the tests' outcome history, once per CI run. */
  recordResults?: (runId: number, results: readonly CiItemResult[]) => void;
  /** Whether the watch on the default branch is on: it tells a failed scheduled run itself. */
  watching?: () => boolean;
}

/** "Show Results of CI Run", and the once-per-run offer of a failed scheduled run's results. */
export class CiRunResults {
  constructor(private readonly deps: ShowResultsDeps) {}

  /** Downloads the run's JUnit report and lays its results on the tree as a TestRun named after the run. */
  async show(run: WorkflowRun): Promise<ShowResultsOutcome> {
    const { logger } = this.deps;
    const ui = this.deps.ui();
    const notShown = (message: string): ShowResultsOutcome => {
      logger.warn(`Show Results of CI Run: ${message}`);
      void ui.notify('warning', message, []);
      return { kind: 'notShown', message };
    };
    if (run.status !== 'completed')
      return notShown(`CI run #${run.run_number} has not completed yet; show its results when it has.`);
    const resolved = await resolveTarget(logger, { fetch: false });
    if (resolved.kind === 'refused') return notShown(resolved.reason);
    const t = resolved.target;
    const token = await this.deps.tokens.resolve(t.destination, { interactive: true });
    if (!token) return notShown(noTokenMessage(t.destination));
    const client = githubClientFor(t, token, logger);
    let evidence: CiEvidence;
    const notes: string[] = [];
    try {
      const reports = await downloadRunReports({
        client,
        runId: run.id,
        pattern: junitArtifactPattern(t),
        logger,
      });
      if (reports.kind === 'reports') evidence = { kind: 'reports', files: reports.files };
      else if (reports.kind !== 'noArtifact') return notShown(reports.message);
      else {
        // The team's workflow uploads no report: pytest's own lines in the jobs' logs are the evidence.
        logger.info(`CI run #${run.run_number} has no JUnit artifact; reading the jobs' logs`);
        const logs = await downloadRunLogs({ client, runId: run.id, logger });
        if (logs.kind !== 'logs')
          return notShown(`${reports.message}\n\nIts job logs gave no results either: ${logs.message}`);
        evidence = { kind: 'logs', logs: logs.logs };
        notes.push(
          `No JUnit artifact: results read from the log of ${logs.logs.map((l) => `"${l.source}"`).join(', ')}. Tests a log does not name are listed as not in the log.`,
          ...logs.skipped,
        );
      }
    } catch (e) {
      return notShown(e instanceof GitHubApiError ? e.failure.message : (e as Error).message);
    }
    const fromLog = evidence.kind === 'logs';
    const runName = `CI #${run.run_number} on ${run.head_branch ?? '?'} (${describeConclusion(run.conclusion)})${fromLog ? ', from the job log' : ''}`;
    const results: CiItemResult[] = [];
    let unmatched = 0;
    const notInLog: string[] = [];
    for (const tests of this.deps.folderTests()) {
      const testRun = tests.controller.createTestRun(new vscode.TestRunRequest(), runName, true);
      testRun.appendOutput(`${runName}: ${run.html_url}\r\n`);
      for (const note of notes) testRun.appendOutput(`${note}\r\n`);
      const { reported, imported } = reportCiResults({
        run: testRun,
        controller: tests.controller,
        repoRoot: t.cwd,
        evidence,
        contextValue: CI_RESULT_CONTEXT,
      });
      testRun.end();
      results.push(...reported);
      unmatched = imported.unmatched.length;
      for (const n of imported.notInLog) notInLog.push(`${n.rootdir}/${n.nodeid}`);
    }
    this.deps.recordResults?.(run.id, results);
    logger.info(
      `${runName}: ${results.length} result(s) shown on the tree, ${unmatched} not on it${fromLog ? `, ${notInLog.length} not in the log` : ''}`,
    );
    if (fromLog)
      void ui.notify(
        'info',
        `CI run #${run.run_number} uploaded no JUnit report: ${results.length} result(s) were read from its job log${notInLog.length ? `; ${notInLog.length} selected test(s) are not in the log (not passed: the log does not name them, as in a run without -v)` : ''}.`,
        [],
      );
    return { kind: 'shown', runName, results, unmatched, source: fromLog ? 'log' : 'report', notInLog };
  }

  /**
   * After the CI Runs view loads: when the newest scheduled run of the default branch failed and was not
   * offered before, offer its results once. Rides on the view's loads; never polls. While the watch on the
   * default branch is on, it is the one that tells.
   */
  async offerFailedScheduled(state: RunsState): Promise<ShowResultsOutcome | undefined> {
    if (state.kind !== 'loaded' || !state.defaultBranch || this.deps.watching?.()) return undefined;
    const group = state.groups.find((g) => g.branch === state.defaultBranch);
    const newest = group?.runs.find((r) => r.event === 'schedule');
    if (!newest || newest.status !== 'completed' || newest.conclusion !== 'failure') return undefined;
    if (!(await markOffered(this.deps.memento, newest))) return undefined;
    const action = 'Show Failing Tests';
    const picked = await this.deps
      .ui()
      .notify(
        'warning',
        `The scheduled CI run #${newest.run_number} on ${state.defaultBranch} failed. Show its test results on the tree?`,
        [action],
      );
    return picked === action ? this.show(newest) : undefined;
  }
}
