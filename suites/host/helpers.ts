import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';

export const EXTENSION_ID = 'codespace-tools.codespace-integration-tests';

export async function activateExtension(): Promise<{
  extension: vscode.Extension<ExtensionApi>;
  api: ExtensionApi;
}> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  const api = await extension.activate();
  // The extension exports its API only in ExtensionMode.Test: a host run without --extensionTestsPath gets none.
  if (!api)
    throw new Error(
      `${EXTENSION_ID} exported no API: run the host tests with --extensionTestsPath (ExtensionMode.Test)`,
    );
  return { extension, api };
}

/** The fixture codespace folder this host run opened (a fresh copy per run). */
export function fixtureFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder;
}

export { waitFor } from '../waitFor';
