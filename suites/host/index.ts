// Entry of the extension-host suites: VS Code calls run() inside the real extension host.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { findCompiledTests, runMocha } from '../mochaRunner';

export async function run(): Promise<void> {
  // The reporter's lines also go to a file that the host runner shows live, apart from the workbench's noise.
  const file = process.env.CIT_ARTIFACTS ? join(process.env.CIT_ARTIFACTS, 'mocha.log') : undefined;
  const counts = await runMocha({
    suite: process.env.HOST_SUITE_NAME ?? 'host',
    // multiRoot*.test files need a multi-root window (run.mjs --multi-root), teamRepo*.test files the
    // team-repository fixture (run.mjs --team); the others the codespace fixture in a single folder.
    files: findCompiledTests(__dirname, process.env.TEST_FILTER)
      .filter(
        (f) =>
          f.includes('multiRoot') === (process.env.HOST_LAYOUT === 'multi-root') &&
          f.includes('teamRepo') === (process.env.HOST_LAYOUT === 'team'),
      )
      // bench/ runs only as its own suite (npm run bench: run.mjs --suite bench).
      .filter((f) => /[\\/]bench[\\/]/.test(f) === (process.env.HOST_SUITE_NAME === 'bench')),
    timeoutMs: 120_000,
    grep: process.env.TEST_GREP,
    color: false,
    resultsFile: process.env.RESULTS_FILE,
    print: (...args) => {
      console.log(...args);
      if (file) appendFileSync(file, format(...args) + '\n');
    },
  });
  if (counts.failed > 0) throw new Error(`${counts.failed} extension-host test(s) failed`);
  if (counts.passed === 0) throw new Error('No extension-host test ran: --filter or --grep matched none.');
}
