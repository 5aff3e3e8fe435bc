import * as vscode from 'vscode';
import {
  describeFlakiness,
  emptyHistory,
  flakiness,
  HISTORY_KEY,
  readHistory,
  recordCiRun,
  recordRun,
  type RunResult,
  type TestHistory,
} from '../core/pytest/history';
import { parseTimes, runRepeatedly, type RepeatOutcome } from '../core/pytest/repeat';
import type { Logger } from '../core/logger';
import { Commands } from '../ids';
import { setFlaky } from './itemLook';
import type { RunSummary } from './testRunner';

interface FlakyDeps {
  logger: Logger;
  /** Every finished run, whoever started it. */
  onDidFinishRun: vscode.Event<RunSummary>;
  controllers(): vscode.TestController[];
  /** Runs items through the Run profile's path (they belong to one folder). */
  runTests(items: readonly vscode.TestItem[], token: vscode.CancellationToken): Promise<RunSummary>;
}

export interface FlakyApi {
  /** The history as stored (the host tests read it). */
  history(): TestHistory;
  /** Marks the items of every tree again: after the tree gained items. */
  apply(): void;
  /** A CI run's results (by TestItem id) join the history, once per run. */
  recordCiRun(runId: number, results: readonly RunResult[]): void;
}

/**
 * Flakiness, measured: each test's outcomes kept in the workspace's storage (bounded), the `flaky` tag and
 * fail rate on tests whose last runs are mixed, *Run Repeatedly…* and *Clear Test History*.
 */
export function registerFlakyTests(context: vscode.ExtensionContext, deps: FlakyDeps): FlakyApi {
  let history = readHistory(context.workspaceState.get(HISTORY_KEY));
  const save = () => context.workspaceState.update(HISTORY_KEY, history);
  const apply = () => deps.controllers().forEach((c) => markFlaky(c.items, history));

  context.subscriptions.push(
    deps.onDidFinishRun((summary) => {
      const ran = [...summary.itemResults].map(([id, r]) => [id, r.outcome, r.ms] as const);
      history = recordRun(history, ran, Date.now());
      void save();
      apply();
    }),
    // From the Testing view: (the item, every selected item); the host tests add the answers to skip the prompts.
    vscode.commands.registerCommand(
      Commands.runRepeatedly,
      (item?: vscode.TestItem, selected?: readonly vscode.TestItem[], answers?: RepeatChoice) =>
        runItemsRepeatedly(selected?.length ? selected : item ? [item] : [], answers, deps),
    ),
    vscode.commands.registerCommand(Commands.clearTestHistory, async () => {
      history = emptyHistory();
      await save();
      apply();
      void vscode.window.showInformationMessage('The test history is cleared: no test is marked flaky.');
    }),
  );
  apply();
  const recordCi = (runId: number, results: readonly RunResult[]) => {
    const next = recordCiRun(history, runId, results, Date.now());
    if (next === history) return;
    history = next;
    void save();
    apply();
  };
  return { history: () => history, apply, recordCiRun: recordCi };
}

/** Sets the tag and the fail rate on every item with a mixed history, and clears them elsewhere. */
function markFlaky(items: vscode.TestItemCollection, history: TestHistory): void {
  items.forEach((item) => {
    const f = flakiness(history.tests[item.id]);
    setFlaky(item, f.flaky ? describeFlakiness(f) : undefined);
    markFlaky(item.children, history);
  });
}

async function runItemsRepeatedly(
  items: readonly vscode.TestItem[],
  given: RepeatChoice | undefined,
  deps: FlakyDeps,
): Promise<RepeatOutcome | undefined> {
  if (!items.length) {
    void vscode.window.showInformationMessage(
      'Run Repeatedly works on tests: right-click a test, a file or a folder in the Testing view.',
    );
    return undefined;
  }
  const choice = given ?? (await ask());
  if (!choice) return undefined;
  const label = items.length === 1 ? items[0].label : `${items.length} tests`;
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Run Repeatedly: ${label}`, cancellable: true },
    (progress, token) =>
      runRepeatedly({
        times: choice.times,
        untilFailure: choice.untilFailure,
        token,
        runOnce: async (i) => {
          progress.report({ message: `run ${i + 1} of ${choice.times}`, increment: 100 / choice.times });
          const summary = await deps.runTests(items, token);
          const results = [...summary.itemResults.values()];
          const failed = results.some((r) => r.outcome === 'failed' || r.outcome === 'error');
          // A run that could not report its tests is no evidence either way: say so rather than count it.
          const unreported = results.filter(
            (r) => r.outcome === 'skipped-not-run' || r.outcome === 'errored-run',
          );
          if (unreported.length && !token.isCancellationRequested)
            deps.logger.warn(
              `Run Repeatedly: run ${i + 1} reported no result for ${unreported.length} test(s)${summary.problems.length ? `: ${summary.problems.join(' ')}` : ''}`,
            );
          return { failed };
        },
      }),
  );
  const how =
    outcome.stopped === 'firstFailure'
      ? `stopped at the first failure, in run ${outcome.runs}`
      : `${outcome.failedRuns} of ${outcome.runs} runs had a failure${outcome.stopped === 'cancelled' ? ' (cancelled)' : ''}`;
  void vscode.window.showInformationMessage(
    `Run Repeatedly: ${label}: ${how}. Tests with mixed outcomes are tagged flaky.`,
  );
  return outcome;
}

interface RepeatChoice {
  times: number;
  untilFailure: boolean;
}

async function ask(): Promise<RepeatChoice | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Run Repeatedly',
    prompt: 'How many times?',
    value: '10',
    validateInput: (v) => {
      const t = parseTimes(v);
      return typeof t === 'string' ? t : undefined;
    },
  });
  const times = text === undefined ? undefined : parseTimes(text);
  if (typeof times !== 'number') return undefined;
  const pick = await vscode.window.showQuickPick(
    [
      { label: `Run all ${times} times`, untilFailure: false },
      { label: 'Stop at the first failure', untilFailure: true },
    ],
    { title: 'Run Repeatedly' },
  );
  return pick ? { times, untilFailure: pick.untilFailure } : undefined;
}
