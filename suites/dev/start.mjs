// npm start: the extension running in a real VS Code (server) on the bundled fixture codespace.
// Prints the URL to open; Ctrl+C stops everything it started.
import { existsSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { repoRoot, startServer, workbenchUrl } from '../host/vscodeServer.mjs';
import { copyFixture } from '../host/run.mjs';

const require = createRequire(import.meta.url);

const workspace = join(repoRoot, '.cache/codespace');

/** A working copy of the fixture, made once, so the repository's fixture stays clean and your edits survive restarts. */
function prepareWorkspace() {
  if (existsSync(join(workspace, 'backend/manage.py'))) return;
  copyFixture(workspace);
  execFileSync('/usr/bin/python3', ['backend/manage.py', 'migrate', '--noinput'], {
    cwd: workspace,
    stdio: 'ignore',
  });
}

/**
 * Adds settings to the workspace copy without dropping the ones already there. The file is local to this
 * machine (the stand-ins' addresses change at each start), so git is told to leave it out of Source Control.
 */
export function mergeWorkspaceSettings(extra) {
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

/** What main() started, stopped in reverse order on Ctrl+C and when start-up fails halfway. */
const stops = [];

async function stopStarted() {
  for (const s of stops.reverse()) await s().catch(() => {});
  stops.length = 0;
}

async function main() {
  prepareWorkspace();
  const { startDevServices, writeMachineSettings } = require(join(repoRoot, 'out/suites/dev/index.js'));
  console.log('Starting the Kubernetes stand-in and the GitHub stand-in behind Prism…');
  const services = await startDevServices({ workspace, remoteDir: join(repoRoot, '.cache/dev-remote') });
  stops.push(() => services.stop());
  mergeWorkspaceSettings(services.settings);
  const port = Number(process.env.PORT ?? 8080);
  const server = await startServer({
    port,
    env: {
      // The stand-in's token reaches the extension (a development host) through its own variable, never a setting.
      CODESPACE_TESTS_GITHUB_TOKEN: services.githubToken,
      // The development host opens the Testing view and the walkthrough.
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
  const url = workbenchUrl(server, { folder: workspace, extensionPath: repoRoot });
  console.log(
    [
      '',
      'Codespace Integration Tests is running in VS Code at:',
      '',
      `  ${url}`,
      '',
      `Workspace:       ${workspace} (the fixture codespace; the extension starts its Django)`,
      `Kubernetes API:  stand-in with pods that log continuously (kubeconfig ${services.kubeconfig})`,
      `GitHub API:      ${services.githubApiUrl} (stand-in behind Prism, checked against GitHub's OpenAPI description)`,
      '',
      'Try this (the walkthrough "Get started with integration tests" is open):',
      '  - Check Codespace: the Codespace view in the Codespace Tests activity (or the command "Codespace Tests: Check Codespace")',
      '  - Run a test: the Testing view, ▶ next to test_whoami',
      '  - See a failure: run test_fails_on_demand (it fails in this session only, FAIL_ON_DEMAND=1)',
      '  - Its logs: "Show Logs for This Test" on the failure message',
      '  - Debug: the Debug button next to a test, with a breakpoint in it',
      '  - Trigger CI: "Codespace Tests: Trigger CI on Branch" (the GitHub stand-in runs it)',
      '',
      'Press Ctrl+C to stop everything.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await stopStarted();
    console.log('npm start: stopped (VS Code, Django, the stand-ins; temporary folders removed).');
    process.exit(0);
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  server.proc.on('exit', () => void stopAll());
}

main().catch(async (e) => {
  console.error(`npm start failed: ${e.message ?? e}`);
  await stopStarted();
  process.exit(1);
});
