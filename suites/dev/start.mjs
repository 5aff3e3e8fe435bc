// npm start: the extension running in a real VS Code (server) on the bundled fixture codespace.
// Prints the URL to open; Ctrl+C stops everything it started.
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
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

/** Adds settings to the workspace copy without dropping the ones already there. */
export function mergeWorkspaceSettings(extra) {
  const file = join(workspace, '.vscode/settings.json');
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...extra }, null, 2) + '\n');
}

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
  // The stand-in's token reaches the extension (a development host) through its own variable, never a setting.
  const server = await startServer({ port, env: { CODESPACE_TESTS_GITHUB_TOKEN: services.githubToken } });
  stops.push(() => server.stop());
  // The API base URL is application-scoped: VS Code reads it from the user settings only, not the workspace.
  writeMachineSettings(server.userDataDir, services.machineSettings);
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
