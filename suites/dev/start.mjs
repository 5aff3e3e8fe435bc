// npm start: the extension installed in a real VS Code (server) on the bundled fixture codespace, as a
// person has it (see demo.mjs). Prints the URL to open; Ctrl+C stops everything it started.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../host/vscodeServer.mjs';
import { copyFixture } from '../host/codespaceFixture.mjs';
import { startDemo, tryThis } from './demo.mjs';

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

async function main() {
  prepareWorkspace();
  const demo = await startDemo({
    workspace,
    remoteDir: join(repoRoot, '.cache/dev-remote'),
    port: Number(process.env.PORT ?? 8080),
    log: (line) => console.log(line),
  });
  const { services, server } = demo;
  console.log(
    [
      '',
      'Codespace Integration Tests is running in VS Code at:',
      '',
      `  ${demo.url}`,
      '',
      `Workspace:       ${workspace} (the fixture codespace; the extension starts its Django)`,
      `Kubernetes API:  stand-in with pods that log continuously (kubeconfig ${services.kubeconfig})`,
      `GitHub API:      ${services.githubApiUrl} (stand-in behind Prism, checked against GitHub's OpenAPI description)`,
      `Extension:       installed from out/ into ${join(server.dataRoot, 'extensions')} (rebuild and restart to see a change)`,
      '',
      ...tryThis(services),
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
    await demo.stop();
    console.log('npm start: stopped (VS Code, Django, the stand-ins; temporary folders removed).');
    process.exit(0);
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  server.proc.on('exit', () => void stopAll());
}

main().catch((e) => {
  // startDemo has stopped what it had started.
  console.error(`npm start failed: ${e.message ?? e}`);
  process.exit(1);
});
