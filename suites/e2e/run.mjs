// Runs the UI tier (ui.test.mjs, teamRepo.test.mjs, doctor.test.mjs, start.test.mjs) with mocha and writes its counts where suites/test.mjs sums them:
// .artifacts/results/e2e.json. Screenshots and logs: .artifacts/e2e/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { e2eArtifacts } from './session.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = process.env.RESULTS_FILE ?? join(here, '../../.artifacts/results/e2e.json');

// Emptied once per run, never per session: a failed step's screenshot and logs stay for the end of the run.
rmSync(e2eArtifacts, { recursive: true, force: true });
const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, reporter: 'spec', color: true });
if (process.env.TEST_GREP) mocha.grep(process.env.TEST_GREP);
mocha.addFile(join(here, 'ui.test.mjs'));
mocha.addFile(join(here, 'teamRepo.test.mjs'));
mocha.addFile(join(here, 'doctor.test.mjs'));
mocha.addFile(join(here, 'start.test.mjs'));
await mocha.loadFilesAsync();
const runner = mocha.run();
runner.on('end', () => {
  const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
  const counts = { suite: 'e2e', passed: s.passes, failed: s.failures, pending: s.pending };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify(counts));
  // A browser or server a failed step left behind must not keep the runner alive.
  process.exit(counts.failed > 0 ? 1 : 0);
});
