import * as vscode from 'vscode';
import { validateInputText, type WorkflowInput } from '../core/github/workflow';

/** What to do when the remote does not have what is local (CI runs what is on the remote). */
export type BeforeDispatchChoice = 'push' | 'trigger' | 'cancel';

/**
 * Every question and notice of "Trigger CI on Branch". Host tests replace it through the
 * ExtensionApi; the real one below is clicked through in the UI test.
 */
export interface CiUi {
  /** The answer as text, or undefined when the person pressed Escape. */
  askInput(input: WorkflowInput, step: number, steps: number): Promise<string | undefined>;
  chooseBeforeDispatch(reason: string, canPush: boolean): Promise<BeforeDispatchChoice>;
  notify(
    level: 'info' | 'warning' | 'error',
    message: string,
    actions: string[],
  ): Promise<string | undefined>;
  openExternal(url: string): Promise<void>;
}

export const vscodeUi: CiUi = {
  async askInput(input, step, steps) {
    const title = `Trigger CI: ${input.name} (${step}/${steps})`;
    const placeHolder = input.description || input.name;
    if (input.type === 'choice' || input.type === 'boolean') {
      const options = input.type === 'choice' ? input.options : ['true', 'false'];
      const items = options.map((o) => ({
        label: o,
        description: String(input.default) === o ? 'default' : undefined,
      }));
      // The default first, so Enter takes it.
      items.sort((a, b) => (b.description ? 1 : 0) - (a.description ? 1 : 0));
      const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
      return picked?.label;
    }
    return vscode.window.showInputBox({
      title,
      prompt: placeHolder + (input.required ? ' (required)' : ''),
      value: input.default === undefined ? '' : String(input.default),
      ignoreFocusOut: true,
      validateInput: (text) => validateInputText(input, text),
    });
  },

  async chooseBeforeDispatch(reason, canPush) {
    const push = 'Push and Trigger';
    const anyway = 'Trigger Anyway';
    const actions = canPush ? [push, anyway] : [anyway];
    const picked = await vscode.window.showWarningMessage(
      `${reason} CI runs what is on GitHub, not what is local.`,
      { modal: true },
      ...actions,
    );
    return picked === push ? 'push' : picked === anyway ? 'trigger' : 'cancel';
  },

  async notify(level, message, actions) {
    const show =
      level === 'error'
        ? vscode.window.showErrorMessage
        : level === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    return show(message, ...actions);
  },

  async openExternal(url) {
    await vscode.env.openExternal(vscode.Uri.parse(url));
  },
};
