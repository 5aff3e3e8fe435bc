import type { Outcome } from './protocol';

/**
 * Each test's outcome history, kept in the workspace's storage, and the flakiness read from it: a test whose
 * last K runs hold both passes and failures is flaky. Pure: the glue loads and saves the value.
 */

/** One run of one test: passed or failed, when, and where it ran (here, or on CI). */
export interface HistoryEntry {
  outcome: 'passed' | 'failed';
  /** Epoch milliseconds. */
  at: number;
  source: 'local' | 'ci';
  /** How long it took, milliseconds, when that was measured: CI's shards are balanced by it. */
  ms?: number;
}

/** By test id (the Testing view's item id: rootdir and node id), oldest first. */
export interface TestHistory {
  version: 1;
  tests: Record<string, HistoryEntry[]>;
  /** The CI runs whose results are in the history already (newest last, bounded): each counts once. */
  ciRuns?: number[];
}

export const HISTORY_KEY = 'codespaceTests.testHistory';
/** Runs kept per test. */
export const MAX_RUNS_PER_TEST = 50;
/** Tests kept; the ones not run for longest are dropped first. */
export const MAX_TESTS = 5_000;
/** CI runs remembered as recorded. */
export const MAX_CI_RUNS = 200;
/** The runs the flakiness is read from. */
const FLAKY_WINDOW = 10;

export function emptyHistory(): TestHistory {
  return { version: 1, tests: {} };
}

/** A stored value as a history; anything else (an old or broken value) as an empty one. */
export function readHistory(value: unknown): TestHistory {
  const v = value as Partial<TestHistory> | undefined;
  if (!v || v.version !== 1 || !v.tests || typeof v.tests !== 'object') return emptyHistory();
  const tests: Record<string, HistoryEntry[]> = {};
  for (const [id, entries] of Object.entries(v.tests))
    if (Array.isArray(entries))
      tests[id] = entries.filter(
        (e): e is HistoryEntry =>
          !!e && (e.outcome === 'passed' || e.outcome === 'failed') && typeof e.at === 'number',
      );
  const ciRuns = Array.isArray(v.ciRuns)
    ? v.ciRuns.filter((n): n is number => Number.isInteger(n)).slice(-MAX_CI_RUNS)
    : undefined;
  return ciRuns?.length ? { version: 1, tests, ciRuns } : { version: 1, tests };
}

/** What counts as a run for the history: skips and tests that never ran are left out. */
function historyOutcome(outcome: Outcome | string): HistoryEntry['outcome'] | undefined {
  if (outcome === 'passed' || outcome === 'xpassed') return 'passed';
  if (outcome === 'failed' || outcome === 'error') return 'failed';
  return undefined;
}

/** One test's result as the history takes it: its id, outcome and (when measured) milliseconds. */
export type RunResult = readonly [id: string, outcome: Outcome | string, ms?: number];

/** The history with one run's results added, bounded per test and in tests. Returns a new value. */
export function recordRun(
  history: TestHistory,
  results: Iterable<RunResult>,
  at: number,
  source: HistoryEntry['source'] = 'local',
): TestHistory {
  const tests = { ...history.tests };
  for (const [id, raw, ms] of results) {
    const outcome = historyOutcome(raw);
    if (!outcome) continue;
    const entry: HistoryEntry =
      typeof ms === 'number' && Number.isFinite(ms) && ms >= 0
        ? { outcome, at, source, ms: Math.round(ms) }
        : { outcome, at, source };
    // Deleted and put back: the most recently run tests come last, so the oldest are the first dropped.
    const entries = [...(tests[id] ?? []), entry].slice(-MAX_RUNS_PER_TEST);
    delete tests[id];
    tests[id] = entries;
  }
  const ids = Object.keys(tests);
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_TESTS))) delete tests[id];
  return history.ciRuns ? { version: 1, tests, ciRuns: history.ciRuns } : { version: 1, tests };
}

/**
 * A CI run's results added to the history, once: the same run shown again (Show Results of CI Run twice,
 * or after Run on CI brought it back) adds nothing. Errored results (not run on CI) do not count.
 */
export function recordCiRun(
  history: TestHistory,
  runId: number,
  results: Iterable<RunResult>,
  at: number,
): TestHistory {
  if (history.ciRuns?.includes(runId)) return history;
  const next = recordRun(history, results, at, 'ci');
  return { ...next, ciRuns: [...(history.ciRuns ?? []), runId].slice(-MAX_CI_RUNS) };
}

export interface Flakiness {
  flaky: boolean;
  /** Runs read (at most the window). */
  runs: number;
  failed: number;
}

/** Flaky when the last `window` runs hold both a pass and a failure. */
export function flakiness(entries: readonly HistoryEntry[] | undefined, window = FLAKY_WINDOW): Flakiness {
  const last = (entries ?? []).slice(-window);
  const failed = last.filter((e) => e.outcome === 'failed').length;
  return { flaky: failed > 0 && failed < last.length, runs: last.length, failed };
}

/** The test's description in the Testing view: `flaky: failed 3 of the last 10 runs (30 %)`. */
export function describeFlakiness(f: Flakiness): string {
  return `flaky: failed ${f.failed} of the last ${f.runs} runs (${Math.round((100 * f.failed) / f.runs)} %)`;
}
