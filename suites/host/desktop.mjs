// npm run test:desktop: the same extension-host suites in desktop VS Code, downloaded by @vscode/test-electron.
// Needs internet (used by the GitHub workflow); offline machines use suites/host/run.mjs instead.
// This runner has no page to screenshot: screenshot checks run only under run.mjs (see screenshots.ts);
// here the suites check the workbench through the API, and this script checks that results were reported.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot, artifactsDir } from './vscodeServer.mjs';
import { copyFixture } from './codespaceFixture.mjs';

const outDir = join(artifactsDir, 'host', 'desktop');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const resultsFile = join(artifactsDir, 'results', 'desktop.json');
rmSync(resultsFile, { force: true });
const version = process.env.VSCODE_VERSION ?? 'stable';
const workspace = copyFixture();
try {
  await runTests({
    version,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out/suites/host/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    extensionTestsEnv: {
      FIXTURE_WORKSPACE: workspace,
      CIT_ARTIFACTS: outDir,
      HOST_SUITE_NAME: 'desktop',
      HOST_LAYOUT: 'folder',
      RESULTS_FILE: resultsFile,
    },
  });
  // A run that exits 0 without running the suites (a broken tests entry) is a failure too.
  const counts = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
  if (!counts || counts.passed === 0 || counts.failed > 0) {
    console.error(
      `[desktop] VS Code ${version}: ${counts ? `${counts.passed} passed, ${counts.failed} failed` : 'no results reported'}. Log: ${join(outDir, 'mocha.log')}`,
    );
    process.exitCode = 1;
  } else console.error(`[desktop] VS Code ${version}: ${counts.passed} passed`);
} catch (e) {
  console.error(`[desktop] extension-host tests failed on VS Code ${version}: ${e?.message ?? e}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
