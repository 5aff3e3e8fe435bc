import * as vscode from 'vscode';
import { interpreterFrom, pytestSettingsFrom } from '../core/launchFrom';
import type { Logger } from '../core/logger';
import type { LaunchSettings } from '../core/pytest/launch';
import { FolderSettings } from '../settings';

interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined };
}

/** The interpreter for a folder, in the core's one order (setting, `.venv`, uv's, the Python extension's selection, python3). */
export async function pythonInterpreter(folder: vscode.WorkspaceFolder, logger: Logger): Promise<string> {
  return interpreterFrom(new FolderSettings(folder).get, folder.uri.fsPath, {
    workspacePython: () => pythonExtensionSelection(folder, logger),
  });
}

/** The interpreter selected in the Python extension, when it is installed and says. */
async function pythonExtensionSelection(
  folder: vscode.WorkspaceFolder,
  logger: Logger,
): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    return api?.environments?.getActiveEnvironmentPath(folder.uri)?.path || undefined;
  } catch (e) {
    logger.warn(
      `The Python extension did not say which interpreter is selected (${(e as Error).message}); using python3.`,
    );
    return undefined;
  }
}

/** The folder's pytest settings as the core takes them, read fresh for each run or collection. */
export async function folderLaunchSettings(
  folder: vscode.WorkspaceFolder,
  logger: Logger,
): Promise<LaunchSettings> {
  return pytestSettingsFrom(new FolderSettings(folder).get, await pythonInterpreter(folder, logger));
}
