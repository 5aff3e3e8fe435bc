// Runs the integration suites under plain Node: the core against real processes and sockets
// (pytest, Django, debugpy, git, Prism for GitHub, the loopback Kubernetes stand-in).
import { join } from 'node:path';
import { findCompiledTests, runMocha } from '../mochaRunner';

async function main(): Promise<void> {
  const counts = await runMocha({
    suite: 'integration',
    files: findCompiledTests(__dirname, process.env.TEST_FILTER),
    timeoutMs: 60_000,
    grep: process.env.TEST_GREP,
    resultsFile: process.env.RESULTS_FILE ?? join(__dirname, '../../../.artifacts/results/integration.json'),
  });
  // Child processes a failed test left behind must not keep the runner alive.
  process.exit(counts.failed > 0 ? 1 : 0);
}
void main();
