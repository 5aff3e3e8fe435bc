import * as vscode from 'vscode';
import { tagged, type Logger } from '../core/logger';
import { expectedMs } from '../core/ci/shards';
import type { WorkflowRun } from '../core/github/types';
import { Commands } from '../ids';
import type { TestExplorerApi } from '../testing/testExplorer';
import type { CiApi } from './register';
import type { CiItemResult } from './ciResults';
import { CiTestProfiles, type CiTestRunResult } from './runOnCi';
import {
  prepareWorkflowFile,
  PROPOSED_SCHEME,
  ProposedWorkflows,
  type PrepareAnswers,
} from './prepareWorkflow';
import { CiRunResults, type ShowResultsOutcome } from './showResults';

/** What the host tests reach of the CI results in the Test Explorer. */
export interface CiTestsApi {
  /** The "Run on CI" profile of each folder's controller. */
  profiles(): vscode.TestRunProfile[];
  /** How each Run on CI ended (newest last). */
  readonly runs: readonly CiTestRunResult[];
  /** The last offer of a failed scheduled run's results, once it has settled. */
  lastOffer(): Promise<ShowResultsOutcome | undefined> | undefined;
}

/**
 * "Run on CI" beside Run and Debug, "Show Results of CI Run" in the CI Runs view, "Rerun Locally", and
 * "Prepare the Workflow for Test Results", which gives a workflow what the first two read.
 */
export function registerRunOnCi(
  context: vscode.ExtensionContext,
  deps: { logger: Logger; ci: CiApi; testExplorer: TestExplorerApi },
): CiTestsApi {
  const logger = tagged(deps.logger, 'ci');
  const common = {
    logger,
    tokens: deps.ci.tokens,
    ui: () => deps.ci.ui(),
    folderTests: () => deps.testExplorer.folderTests(),
    recordResults: (runId: number, results: readonly CiItemResult[]) =>
      deps.testExplorer.recordCiResults(
        runId,
        results.map((r) => [r.id, r.outcome, r.ms] as const),
      ),
  };
  const profiles = new CiTestProfiles({
    ...common,
    expectedMs: (id) => expectedMs(deps.testExplorer.flaky.history().tests[id]),
  });
  const results = new CiRunResults({
    ...common,
    memento: context.workspaceState,
    watching: () => deps.ci.watch.state.kind === 'watching',
  });
  let lastOffer: Promise<ShowResultsOutcome | undefined> | undefined;
  const proposed = new ProposedWorkflows();
  profiles.sync();
  context.subscriptions.push(
    profiles,
    // After the Test Explorer has built the new folders' controllers.
    vscode.workspace.onDidChangeWorkspaceFolders(() => setTimeout(() => profiles.sync(), 0)),
    deps.ci.runsView.onDidLoad((state) => {
      lastOffer = results.offerFailedScheduled(state).catch((e: unknown) => {
        logger.warn(`Offering the failed scheduled run's results failed: ${(e as Error).message}`);
        return undefined;
      });
    }),
    vscode.commands.registerCommand(
      Commands.showCiRunResults,
      (target?: WorkflowRun | { run?: WorkflowRun }): Promise<ShowResultsOutcome | undefined> => {
        const run = target && 'id' in target ? target : target?.run;
        if (!run) {
          void deps.ci
            .ui()
            .notify('info', 'Pick a completed run in the CI Runs view to show its results.', []);
          return Promise.resolve(undefined);
        }
        return results.show(run);
      },
    ),
    vscode.commands.registerCommand(Commands.rerunLocally, async (arg?: { test?: vscode.TestItem }) => {
      if (arg?.test) return deps.testExplorer.runTests([arg.test]);
      return undefined;
    }),
    proposed,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    vscode.commands.registerCommand(Commands.prepareWorkflow, (answers?: PrepareAnswers) =>
      prepareWorkflowFile({ logger, proposed }, answers),
    ),
  );
  return {
    profiles: () => profiles.all(),
    get runs() {
      return profiles.results;
    },
    lastOffer: () => lastOffer,
  };
}
