import * as vscode from 'vscode';
import { join } from 'node:path';
import { settingsTextWith } from '../core/settingsFile';
import type { Logger } from '../core/logger';
import { waitFor } from '../core/cancel';

/** How long VS Code gets to read the saved settings file back before the doctor checks again. */
const CONFIG_WAIT_MS = 5000;

/** The setting the fix changes: the Python extension's, so it is changed only once the person accepts. */
const PYTEST_ARGS_KEY = 'python.testing.pytestArgs';

/** A change to the Python extension's settings, as the person is asked to accept it. */
export interface PythonSettingsChange {
  file: string;
  before: string[];
  after: string[];
}

/** The doctor's questions; replaceable, so extension-host tests can answer without clicking. */
export interface DoctorPrompts {
  /** True when the person accepts the change to the Python extension's settings. */
  acceptPythonSettingsChange(change: PythonSettingsChange): Promise<boolean>;
}

export const windowDoctorPrompts: DoctorPrompts = {
  async acceptPythonSettingsChange(c) {
    const add = 'Add --ignore';
    const answer = await vscode.window.showWarningMessage(
      `Change the Python extension's ${PYTEST_ARGS_KEY} in ${vscode.workspace.asRelativePath(c.file)}?`,
      {
        modal: true,
        detail: [
          `Now: ${JSON.stringify(c.before)}`,
          `Then: ${JSON.stringify(c.after)}`,
          '',
          'The Python extension then shows only your unit tests; this extension keeps the integration tests, run with Django, logs and the leak check.',
          'Cancel keeps both: the integration tests then show twice, and the Python extension runs its copy without any of that.',
        ].join('\n'),
      },
      add,
    );
    return answer === add;
  },
};

/**
 * Writes the Python extension's pytestArgs into the folder's `.vscode/settings.json` as an edit of the file
 * (comments kept), then saves it. Not through `getConfiguration().update`: without the Python extension its
 * settings are not registered, and VS Code refuses to write them.
 */
export async function writePytestArgs(
  folder: string,
  before: string[],
  after: string[],
  prompts: DoctorPrompts,
  logger: Logger,
): Promise<boolean> {
  const uri = vscode.Uri.file(join(folder, '.vscode', 'settings.json'));
  if (!(await prompts.acceptPythonSettingsChange({ file: uri.fsPath, before, after }))) {
    logger.info(`${PYTEST_ARGS_KEY} left as it was: the change was not accepted.`);
    return false;
  }
  // The check that follows reads the configuration, which VS Code updates a moment after the save.
  const reread = waitFor(vscode.workspace.onDidChangeConfiguration, CONFIG_WAIT_MS, undefined, {
    until: () =>
      JSON.stringify(vscode.workspace.getConfiguration('python.testing', uri).get('pytestArgs')) ===
      JSON.stringify(after),
  }).then(
    () => true,
    () => false,
  );
  const edit = new vscode.WorkspaceEdit();
  let doc: vscode.TextDocument | undefined;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    edit.createFile(uri, { ignoreIfExists: true });
  }
  const text = doc?.getText() ?? '';
  const next = settingsTextWith(text, PYTEST_ARGS_KEY, after);
  const end = doc ? doc.lineAt(doc.lineCount - 1).range.end : new vscode.Position(0, 0);
  edit.replace(uri, new vscode.Range(new vscode.Position(0, 0), end), next);
  if (!(await vscode.workspace.applyEdit(edit)))
    throw new Error(`VS Code did not apply the edit of ${uri.fsPath}.`);
  await (await vscode.workspace.openTextDocument(uri)).save();
  logger.info(`${PYTEST_ARGS_KEY} in ${uri.fsPath} is now ${JSON.stringify(after)}.`);
  if (!(await reread))
    logger.warn(`VS Code had not read ${uri.fsPath} back within ${CONFIG_WAIT_MS / 1000} s.`);
  return true;
}
