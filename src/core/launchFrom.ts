import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildLaunch, serverEnv, type DjangoLaunch, type DjangoSettings } from './django/launch';
import type { DjangoModeSetting } from './django/mode';
import type { LaunchSettings } from './pytest/launch';
import { uvEnvironmentPython, which } from './python';
import type { SettingsGet } from './settings';
import { readEnvFile } from './variables';

/**
 * From settings to what is launched: the one path the extension, the CLI, the doctor and the debugger
 * take, so the view and its headless twin decide alike. Each takes the one reader (core/settings).
 */

/** Where an interpreter may come from besides the setting; each asked only when the ones before found none. */
interface InterpreterProbes {
  /** The project's `.venv` Python. */
  venv(workspace: string): Promise<string | undefined>;
  /** The Python `uv run` would use (`uv python find`), when uv is installed. */
  uv(workspace: string): Promise<string | undefined>;
  /** The workspace's Python: the Python extension's selection in VS Code; none in the CLI. */
  workspacePython(): Promise<string | undefined>;
}

const nodeInterpreterProbes: InterpreterProbes = {
  venv: async (workspace) => {
    const venv = join(workspace, '.venv', 'bin', 'python');
    return existsSync(venv) ? venv : undefined;
  },
  uv: async (workspace) => {
    const uv = await which('uv');
    if (!uv) return undefined;
    const found = await uvEnvironmentPython({ uv, uvRunOptions: [], cwd: workspace, env: process.env });
    return found.kind === 'none' ? undefined : found.python;
  },
  workspacePython: async () => undefined,
};

/** The interpreter, in one order: the setting, the project's `.venv`, uv's, the workspace's Python, python3. */
export async function interpreterFrom(
  get: SettingsGet,
  workspace: string,
  probes: Partial<InterpreterProbes> = {},
): Promise<string> {
  const p = { ...nodeInterpreterProbes, ...probes };
  return (
    get('python.interpreter').trim() ||
    (await p.venv(workspace)) ||
    (await p.uv(workspace)) ||
    (await p.workspacePython()) ||
    'python3'
  );
}

/** pytest's settings (codespaceTests.tests.*) as the launch takes them. */
export function pytestSettingsFrom(get: SettingsGet, interpreter: string): LaunchSettings {
  return {
    command: get('tests.command'),
    interpreter,
    extraArgs: get('tests.extraArgs'),
    env: get('tests.env'),
    envFile: get('tests.envFile'),
    cwd: get('tests.cwd'),
    djangoProcessPattern: get('django.processPattern'),
  };
}

/** The managed server's settings (codespaceTests.django.*); throws a readable error on a port or command it cannot use. */
export function djangoSettingsFrom(get: SettingsGet, interpreter: string): DjangoSettings {
  const port = get('django.port');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(
      `The setting codespaceTests.django.port is ${String(port)}: set it to a port number between 1 and 65535.`,
    );
  const command = get('django.command');
  if (!command.trim())
    throw new Error(
      'The setting codespaceTests.django.command is empty: set the command that starts the Django server.',
    );
  const healthPath = get('django.healthPath');
  return {
    command,
    host: get('django.host'),
    port,
    cwd: get('django.cwd'),
    env: get('django.env'),
    // An empty health path probes the root.
    healthPath: healthPath.trim() ? healthPath : '/',
    startTimeoutSeconds: get('django.startTimeoutSeconds'),
    apiKeyCommand: get('django.apiKeyCommand'),
    interpreter,
  };
}

/** The managed server's launch: its settings, with the environment of `tests.envFile` under `django.env`. */
export async function djangoLaunchFrom(
  get: SettingsGet,
  interpreter: string,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<DjangoLaunch> {
  const settings = djangoSettingsFrom(get, interpreter);
  const env = serverEnv(baseEnv, await readEnvFile(get('tests.envFile')), settings.env);
  return buildLaunch(settings, env);
}

/** Who owns Django (codespaceTests.django.mode; the reader turns an unknown word into auto) and the URL variable it reads. */
export function djangoModeFrom(get: SettingsGet): { setting: DjangoModeSetting; urlEnvVar: string } {
  return { setting: get('django.mode') as DjangoModeSetting, urlEnvVar: get('django.urlEnvVar') };
}
