// Run on CI with shards: 5,000 selected tests with durations from the history split over 8 runners. Targets:
// the longest shard at most 1.05x the ideal (the total over 8) when no test alone exceeds it, in under 50 ms.
import { splitIntoShards, type WeighedTest } from '../../src/core/ci/shards';
import { finish, report, timeIt } from './support';

const TESTS = 5_000;
const SHARDS = 8;

/** Durations as an integration suite has them: most tests short, a long tail (seeded, so runs compare). */
function corpus(): WeighedTest[] {
  let seed = 27;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: TESTS }, (_, i) => ({
    id: `backend/oracles/tests/integration/area_${i % 40}/test_${i}.py::test_case_${i}`,
    // 50 ms to about 2 min, log-uniform; one in 50 has no time yet (new tests).
    ms: i % 50 === 7 ? undefined : Math.round(50 * Math.exp(random() * Math.log(2400))),
  }));
}

async function main(): Promise<void> {
  const tests = corpus();
  let split = splitIntoShards(tests, SHARDS);
  const ms = await timeIt(() => (split = splitIntoShards(tests, SHARDS)), 15);
  const longest = Math.max(...split.shards.map((s) => s.ms));
  const shortest = Math.min(...split.shards.map((s) => s.ms));
  const longestTest = Math.max(...tests.map((t) => t.ms ?? split.assumedMs));
  const ratio = longest / split.idealMs;
  const placed = split.shards.reduce((n, s) => n + s.ids.length, 0);
  console.log(
    `${TESTS} tests (${split.unknown} without a time, counted at ${split.assumedMs} ms), ${SHARDS} shards: ideal ${(split.idealMs / 1000).toFixed(1)} s, longest shard ${(longest / 1000).toFixed(1)} s, shortest ${(shortest / 1000).toFixed(1)} s, longest test ${(longestTest / 1000).toFixed(1)} s`,
  );
  finish([
    report(
      'every test in one shard',
      `${placed} of ${TESTS}`,
      placed === TESTS && split.shards.length === SHARDS,
    ),
    report(
      'no test alone exceeds the ideal',
      `${(longestTest / split.idealMs).toFixed(3)}x the ideal`,
      longestTest <= split.idealMs,
    ),
    report('longest shard vs the ideal', `${ratio.toFixed(4)}x (target <= 1.05x)`, ratio <= 1.05),
    report(
      `${TESTS} tests split into ${SHARDS} shards`,
      `${ms.toFixed(2)} ms = ${(ms / 50).toFixed(3)}x the target (< 50 ms)`,
      ms < 50,
    ),
  ]);
}

void main();
