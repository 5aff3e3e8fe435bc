// Runs the unit suites of the core under plain Node.
import { join } from 'node:path';
import { findCompiledTests, runMocha } from '../mochaRunner';

async function main(): Promise<void> {
  const counts = await runMocha({
    suite: 'unit',
    files: findCompiledTests(__dirname, process.env.TEST_FILTER),
    timeoutMs: 60_000,
    grep: process.env.TEST_GREP,
    resultsFile: process.env.RESULTS_FILE ?? join(__dirname, '../../../.artifacts/results/unit.json'),
  });
  // Child processes a failed test left behind must not keep the runner alive.
  process.exit(counts.failed > 0 ? 1 : 0);
}
void main();
