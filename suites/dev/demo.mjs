// The session `npm start` shows (suites/dev/start.mjs), also started by its UI test (suites/e2e/start.test.mjs):
// the extension installed in a real VS Code server as a person has it (production mode, no smoke-test driver,
// so notifications pop up as toasts), the stand-ins of Kubernetes and GitHub, and a fixture codespace.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot, startServer, workbenchUrl } from '../host/vscodeServer.mjs';

const require = createRequire(import.meta.url);

/**
 * Adds settings to a workspace's .vscode/settings.json without dropping the ones already there. The file is
 * local to this machine (the stand-ins' addresses change at each start), so git is told to leave it out of
 * Source Control.
 */
export function mergeWorkspaceSettings(workspace, extra) {
  const file = join(workspace, '.vscode/settings.json');
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...extra }, null, 2) + '\n');
  execFileSync('git', ['update-index', '--skip-worktree', '.vscode/settings.json'], {
    cwd: workspace,
    stdio: 'ignore',
  });
}

/** What a newcomer sees first: no Welcome page, no Chat panel, no recommendations; the walkthrough instead. */
const FIRST_SCREEN = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
};

/**
 * Starts the demo on `workspace` (a migrated copy of the fixture codespace; `remoteDir` holds its GitHub
 * remote). `settings` adds workspace settings (a test's free Django port). Resolves to the URL to open and
 * `stop()`, which ends everything it started and removes the server's temporary folder; when start-up fails
 * halfway, what had started is stopped before the error is thrown.
 */
export async function startDemo({
  workspace,
  remoteDir,
  port,
  settings = {},
  log = () => {},
  alsoInstall = [],
}) {
  const { startDevServices, writeMachineSettings } = require(join(repoRoot, 'out/suites/dev/index.js'));
  const stops = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    log('Starting the Kubernetes stand-in and the GitHub stand-in behind Prism…');
    const services = await startDevServices({ workspace, remoteDir });
    stops.push(() => services.stop());
    mergeWorkspaceSettings(workspace, { ...services.settings, ...settings });
    const server = await startServer({
      port,
      // Installed, as a person has it: production mode, and toasts (the smoke-test driver hides them).
      smokeTestDriver: false,
      install: [repoRoot, ...alsoInstall],
      env: {
        // The extension opens the Testing view and the walkthrough.
        CODESPACE_TESTS_SHOW_WALKTHROUGH: '1',
        // Demo only: test_fails_on_demand fails in this session, so a failure and its logs can be seen.
        FAIL_ON_DEMAND: '1',
      },
    });
    stops.push(async () => {
      await server.stop();
      rmSync(server.dataRoot, { recursive: true, force: true });
    });
    // The API base URL is application-scoped: VS Code reads it from the user settings only, not the workspace.
    writeMachineSettings(server.userDataDir, { ...services.machineSettings, ...FIRST_SCREEN });
    return { url: workbenchUrl(server, { folder: workspace }), server, services, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The "try this" lines of the printout (the stand-in's token is a throwaway, shown so it can be pasted). */
export function tryThis(services) {
  return [
    'Try this (the walkthrough "Get started with integration tests" is open):',
    '  - Check Codespace: the Codespace view in the Codespace Tests activity (or the command "Codespace Tests: Check Codespace")',
    '    (its "Signed in to GitHub" row warns until the stand-in\'s token is set: see Trigger CI below)',
    '  - Run a test: the Testing view, ▶ next to test_whoami',
    '  - See a failure: run test_fails_on_demand (it fails in this session only, FAIL_ON_DEMAND=1)',
    '  - Its logs: "Show Logs for This Test" on the failure message',
    '  - Debug: the Debug button next to a test, with a breakpoint in it',
    '  - Trigger CI: "Codespace Tests: Trigger CI on Branch" (the GitHub stand-in runs it). The first time it',
    '    asks for a token: press "Set GitHub Token…" (or run "Codespace Tests: Set GitHub Token…") and paste',
    `      ${services.githubToken}`,
    "    (the local stand-in's throwaway token, not a real secret: only a token set this way is sent to a",
    "    custom codespaceTests.ci.apiBaseUrl; it is kept in VS Code's secret storage, not in a settings file).",
  ];
}
