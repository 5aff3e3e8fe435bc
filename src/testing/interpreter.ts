import * as vscode from 'vscode';
import { join } from 'node:path';
import { which } from '../core/python';
import type { Logger } from '../core/logger';
import type { LaunchSettings } from '../core/pytest/launch';
import { FolderSettings } from '../settings';

interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined };
}

/** The interpreter for a folder: the setting, else the Python extension's selection, else the project's `.venv` (uv's), else `python3`. */
export async function pythonInterpreter(folder: vscode.WorkspaceFolder, logger: Logger): Promise<string> {
  const configured = new FolderSettings(folder).get('python.interpreter').trim();
  if (configured) return configured;
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (ext) {
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      const path = api?.environments?.getActiveEnvironmentPath(folder.uri)?.path;
      if (path) return path;
    } catch (e) {
      logger.warn(
        `The Python extension did not say which interpreter is selected (${(e as Error).message}); using python3.`,
      );
    }
  }
  const venv = join(folder.uri.fsPath, '.venv', 'bin', 'python');
  if (await which(venv)) return venv;
  return 'python3';
}

/** The folder's pytest settings as the core takes them, read fresh for each run or collection. */
export async function folderLaunchSettings(
  folder: vscode.WorkspaceFolder,
  logger: Logger,
): Promise<LaunchSettings> {
  const s = new FolderSettings(folder);
  return {
    command: s.get('tests.command'),
    interpreter: await pythonInterpreter(folder, logger),
    extraArgs: s.get('tests.extraArgs'),
    env: s.get('tests.env'),
    envFile: s.get('tests.envFile'),
    cwd: s.get('tests.cwd'),
    djangoProcessPattern: s.get('django.processPattern'),
  };
}
