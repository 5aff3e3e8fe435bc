import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { FolderSettings } from '../settings';
import { silentLogger } from '../core/logger';
import { pythonInterpreter } from '../testing/interpreter';
import { parseEnvFile } from '../core/variables';
import { buildLaunch, serverEnv, type DjangoLaunch } from '../core/django/launch';

/** What a test run reads besides the launch: whether to start or restart, and the variable names for pytest. */
export interface RunSettings {
  autoStart: boolean;
  restartBeforeEachRun: boolean;
  urlEnvVar: string;
  apiKeyEnvVar: string;
  /** Where the session's own Django listens in session mode: the managed server's host and port. */
  host: string;
  port: number;
}

/** The folder the managed server belongs to: one Django per window, in the first workspace folder. */
export function djangoFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder)
    throw new Error('Open the codespace folder first: the Django server runs in a workspace folder.');
  return folder;
}

export function runSettings(folder = djangoFolder()): RunSettings {
  const s = new FolderSettings(folder);
  return {
    autoStart: s.get('django.autoStart'),
    restartBeforeEachRun: s.get('django.restartBeforeEachRun'),
    urlEnvVar: s.get('django.urlEnvVar'),
    apiKeyEnvVar: s.get('django.apiKeyEnvVar'),
    host: s.get('django.host'),
    port: s.get('django.port'),
  };
}

/** Reads codespaceTests.django.* (and the .env file of tests.envFile) into a launch; throws a readable error on bad settings. */
export async function readLaunch(folder = djangoFolder()): Promise<DjangoLaunch> {
  const s = new FolderSettings(folder);
  const settingsEnv = s.get('django.env') ?? {};
  const env = serverEnv(process.env, await readEnvFile(s.get('tests.envFile')), settingsEnv);
  const port = s.get('django.port');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(
      `The setting codespaceTests.django.port is ${String(port)}: set it to a port number between 1 and 65535.`,
    );
  }
  const command = s.get('django.command');
  if (!command?.trim())
    throw new Error(
      'The setting codespaceTests.django.command is empty: set the command that starts the Django server.',
    );
  return buildLaunch(
    {
      command,
      host: s.get('django.host'),
      port,
      cwd: s.get('django.cwd'),
      env: settingsEnv,
      healthPath: s.get('django.healthPath') || '/',
      startTimeoutSeconds: s.get('django.startTimeoutSeconds'),
      apiKeyCommand: s.get('django.apiKeyCommand') ?? '',
      // The same Python as the tests: the setting, the Python extension's, the project's .venv, python3.
      interpreter: await pythonInterpreter(folder, silentLogger),
    },
    env,
  );
}

/** The variables of a .env file; none when the file is missing or unreadable. */
async function readEnvFile(path: string | undefined): Promise<Record<string, string>> {
  if (!path) return {};
  try {
    return parseEnvFile(await readFile(path, 'utf8'));
  } catch {
    return {};
  }
}
