// The fuzz tier: every parser gets a few thousand seeded inputs (real samples mutated, random bytes,
// hostile shapes). FUZZ_SEED=<n> replays a run; the seed in use is printed first.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runMocha } from '../mochaRunner';
import { SEED, SLOW_INPUT_MS } from './harness';
import { startWatchdog } from './watchdog';

async function main(): Promise<void> {
  const resultsFile = process.env.RESULTS_FILE ?? join(__dirname, '../../../.artifacts/results/fuzz.json');
  console.log(`fuzz seed ${SEED} (set FUZZ_SEED to replay another)`);
  startWatchdog({ hangMs: SLOW_INPUT_MS * 15, resultsFile, seed: SEED });
  const started = performance.now();
  const files = readdirSync(__dirname)
    .filter(
      (f) => f.endsWith('.fuzz.js') && (!process.env.TEST_FILTER || f.includes(process.env.TEST_FILTER)),
    )
    .sort()
    .map((f) => join(__dirname, f));
  const counts = await runMocha({
    suite: 'fuzz',
    files,
    timeoutMs: 60_000,
    grep: process.env.TEST_GREP,
    resultsFile,
  });
  console.log(`fuzz tier: ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`);
  process.exit(counts.failed > 0 ? 1 : 0);
}
void main();
