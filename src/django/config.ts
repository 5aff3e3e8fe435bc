import * as vscode from 'vscode';
import { FolderSettings } from '../settings';
import { silentLogger } from '../core/logger';
import { pythonInterpreter } from '../testing/interpreter';
import type { DjangoLaunch } from '../core/django/launch';
import { djangoLaunchFrom } from '../core/launchFrom';

/** What a test run reads besides the launch: whether to start or restart, and the variable names for pytest. */
interface RunSettings {
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
export async function readLaunch(folder = djangoFolder(), interpreter?: string): Promise<DjangoLaunch> {
  // The same Python as the tests, in the core's one order.
  return djangoLaunchFrom(
    new FolderSettings(folder).get,
    interpreter ?? (await pythonInterpreter(folder, silentLogger)),
  );
}
