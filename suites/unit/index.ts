// Runs the unit suites of the core under plain Node: pure, no process and no socket (see purity.ts),
// so the whole tier answers in seconds. Tests with real processes live in suites/integration/.
import { join } from 'node:path';
import { findCompiledTests, runMocha } from '../mochaRunner';
import { forbidProcessesAndSockets } from './purity';

async function main(): Promise<void> {
  const counts = await runMocha({
    suite: 'unit',
    files: findCompiledTests(__dirname, process.env.TEST_FILTER),
    timeoutMs: 10_000,
    grep: process.env.TEST_GREP,
    resultsFile: process.env.RESULTS_FILE ?? join(__dirname, '../../../.artifacts/results/unit.json'),
    audit: forbidProcessesAndSockets(),
  });
  process.exit(counts.failed > 0 ? 1 : 0);
}
void main();
