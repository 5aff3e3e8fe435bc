// Helpers of the Django extension-host suite.
import * as vscode from 'vscode';
import { ConfigSection } from '../../src/ids';
import { ChildProcess, runToEnd } from '../../src/core/process/childProcess';
import { checkPort } from '../../src/core/django/portOwner';
import { waitFor } from './helpers';
export { freePort, pidAlive } from '../unit/support';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export function workspaceDir(): string {
  const dir = process.env.FIXTURE_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!dir) throw new Error('no fixture workspace');
  return dir;
}

/** `manage.py migrate` in the fixture workspace (its default database, or `db` through DJANGO_DB_PATH). */
export async function migrate(db?: string): Promise<void> {
  const r = await runToEnd({
    command: SYSTEM_PYTHON,
    args: ['backend/manage.py', 'migrate', '--noinput'],
    cwd: workspaceDir(),
    env: { ...process.env, ...(db ? { DJANGO_DB_PATH: db } : {}) },
    timeoutMs: 60_000,
  });
  if (r.exit.kind !== 'exited' || r.exit.code !== 0) throw new Error(`migrate failed: ${r.stderr}`);
}

/** Sets codespaceTests.<key> in the fixture workspace's settings. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace
    .getConfiguration(ConfigSection)
    .update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** A process outside the extension holding the port (a `python3 -m http.server`, or a second Django). */
export async function foreignProcess(
  args: string[],
  port: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildProcess> {
  const child = new ChildProcess({ command: SYSTEM_PYTHON, args, cwd: workspaceDir(), env });
  await waitFor(
    `something listening on port ${port}`,
    async () => (await checkPort('127.0.0.1', port)).kind === 'busy',
    20_000,
    50,
  );
  return child;
}

/** Runs one fixture test with pytest and the given environment. */
export async function runFixtureTest(
  nodeId: string,
  env: Record<string, string>,
): Promise<{ code: number | undefined; output: string }> {
  const r = await runToEnd({
    command: SYSTEM_PYTHON,
    args: [
      '-m',
      'pytest',
      '-q',
      '-p',
      'no:cacheprovider',
      '-c',
      'backend/oracles/tests/integration/pytest.ini',
      `backend/oracles/tests/integration/${nodeId}`,
    ],
    cwd: workspaceDir(),
    env: { ...process.env, ...env },
    timeoutMs: 90_000,
  });
  return { code: r.exit.kind === 'exited' ? r.exit.code : undefined, output: r.stdout + r.stderr };
}
