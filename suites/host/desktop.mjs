// npm run test:desktop: the same extension-host suites in desktop VS Code, downloaded by @vscode/test-electron.
// Needs internet (used by the GitHub workflow); offline machines use suites/host/run.mjs instead.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot, artifactsDir } from './vscodeServer.mjs';
import { copyFixture } from './run.mjs';

const outDir = join(artifactsDir, 'host', 'desktop');
mkdirSync(outDir, { recursive: true });
const workspace = copyFixture();
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out/suites/host/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    extensionTestsEnv: {
      FIXTURE_WORKSPACE: workspace,
      CIT_ARTIFACTS: outDir,
      HOST_SUITE_NAME: 'desktop',
      RESULTS_FILE: join(artifactsDir, 'results', 'desktop.json'),
    },
  });
} catch (e) {
  console.error(`[desktop] extension-host tests failed: ${e?.message ?? e}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
