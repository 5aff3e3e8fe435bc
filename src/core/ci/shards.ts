import type { HistoryEntry } from '../pytest/history';

/**
 * Spreading the selected tests over N CI runners: each test weighed by its durations in the outcome history,
 * longest first, each put on the runner with the least work so far (LPT). Pure: the glue and the CLI give the
 * tests and their durations.
 */

/** One test to place, with what it is expected to take. */
export interface WeighedTest {
  id: string;
  /** Milliseconds; `undefined` when no run of it took a measured time. */
  ms: number | undefined;
}

/** One runner's share. `index` counts from 1, as the workflow's artifact names (`junit-1`) do. */
export interface Shard {
  index: number;
  ids: string[];
  /** The expected time of its tests, milliseconds (unknown ones counted at the typical time). */
  ms: number;
}

interface ShardSplit {
  shards: Shard[];
  /** The time of every test over the runners: what the longest shard would take with a perfect split. */
  idealMs: number;
  /** What a test with no measured time was counted as: the median of the measured ones (1 s when none). */
  assumedMs: number;
  /** Tests with no measured time. */
  unknown: number;
}

/** When no test has a measured time, each is counted as one second: the split is then by count. */
const NO_TIMES_MS = 1000;
/** The runs a test's expected time is read from. */
const DURATION_WINDOW = 5;

/** A test's expected time from its history: the median of its last measured runs, or `undefined`. */
export function expectedMs(entries: readonly HistoryEntry[] | undefined): number | undefined {
  const times = (entries ?? [])
    .map((e) => e.ms)
    .filter((ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)
    .slice(-DURATION_WINDOW)
    .sort((a, b) => a - b);
  return times.length ? times[(times.length - 1) >> 1] : undefined;
}

/**
 * LPT: the tests longest first, each onto the shard with the least time so far (ties: the lower index, then
 * the id, so the same input always gives the same split). Shards that get no test are dropped, so `n` larger
 * than the tests gives one shard per test. Within a shard the tests keep their given order.
 */
export function splitIntoShards(tests: readonly WeighedTest[], n: number): ShardSplit {
  const count = Math.max(1, Math.min(Math.floor(n) || 1, tests.length || 1));
  const known = tests.map((t) => t.ms).filter((ms): ms is number => ms !== undefined && ms >= 0);
  const sortedKnown = [...known].sort((a, b) => a - b);
  const assumedMs = sortedKnown.length ? sortedKnown[(sortedKnown.length - 1) >> 1] : NO_TIMES_MS;
  const ms = Float64Array.from(tests, (t) => (t.ms !== undefined && t.ms >= 0 ? t.ms : assumedMs));
  const byLength = Array.from(tests.keys()).sort(
    (a, b) => ms[b] - ms[a] || (tests[a].id < tests[b].id ? -1 : tests[a].id > tests[b].id ? 1 : 0),
  );
  const loads = new Float64Array(count);
  const shardOf = new Int32Array(tests.length);
  for (const t of byLength) {
    let least = 0;
    for (let i = 1; i < count; i++) if (loads[i] < loads[least]) least = i;
    loads[least] += ms[t];
    shardOf[t] = least;
  }
  const ids: string[][] = Array.from({ length: count }, () => []);
  // In the given order: a shard runs its tests as they were selected.
  for (let t = 0; t < tests.length; t++) ids[shardOf[t]].push(tests[t].id);
  const shards = ids
    .map((list, i) => ({ ids: list, ms: loads[i] }))
    .filter((s) => s.ids.length)
    .map((s, i) => ({ index: i + 1, ...s }));
  const total = ms.reduce((sum, x) => sum + x, 0);
  return { shards, idealMs: total / count, assumedMs, unknown: tests.length - known.length };
}
/** The shards as the workflow's matrix reads them (`fromJSON(inputs.shards)`): `[{index, tests}]`. */
export function shardsInput(shards: readonly { index: number; tests: string }[]): string {
  return JSON.stringify(shards.map((s) => ({ index: s.index, tests: s.tests })));
}

/** The limit GitHub puts on a workflow_dispatch's inputs, all together (characters of their JSON). */
export const DISPATCH_INPUTS_LIMIT = 65_535;

/** The shards with no report among a run's artifacts: each shard uploads `<name>-<index>` (junit-3). */
export function shardsWithoutReport(indexes: readonly number[], artifacts: readonly string[]): number[] {
  const reported = new Set(
    artifacts
      .map((a) => /-(\d+)$/.exec(a)?.[1])
      .filter((k): k is string => k !== undefined)
      .map(Number),
  );
  return indexes.filter((k) => !reported.has(k));
}

/** Why a test of a shard that uploaded no report has no result: never passed, never guessed. */
export function shardNotRunMessage(
  index: number,
  run: { run_number: number; conclusion: string | null },
): string {
  return `shard ${index} did not run: run #${run.run_number} (${run.conclusion ?? 'ended'}) has no report of shard ${index} (an artifact named "…-${index}"). Its runner failed before pytest wrote the report, was cancelled, or the workflow's matrix did not read the shards input. Open the run's page for that job, or run these tests again.`;
}
