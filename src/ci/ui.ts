import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { webUrlAllowed } from '../core/github/destination';
import { withoutCredentials } from '../core/github/remote';
import { validateInputText, type WorkflowInput } from '../core/github/workflow';
import { validateTokenText } from './auth';
import { destinationSettings } from './userSettings';

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
  /** The token typed into a password box, or undefined on Escape. */
  askToken(): Promise<string | undefined>;
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

  async askToken() {
    const token = await vscode.window.showInputBox({
      title: 'Set GitHub Token',
      prompt:
        'A GitHub token with the `repo` and `workflow` scopes (fine-grained: "Actions: read and write"). It is kept in VS Code’s secret storage and sent only to GitHub.',
      password: true,
      ignoreFocusOut: true,
      validateInput: validateTokenText,
    });
    return token?.trim();
  },
};

/**
 * Opens a page from GitHub (a run, an SSO authorization) only when it is an https page on github.com
 * or on the user's GitHub Enterprise host: a URL from a server's answer is not trusted as is.
 */
export async function openGitHubPage(ui: CiUi, url: string, logger: Logger): Promise<boolean> {
  if (webUrlAllowed(url, destinationSettings().enterpriseUri)) {
    await ui.openExternal(url);
    return true;
  }
  const shown = withoutCredentials(url).slice(0, 200);
  const reason = `Not opening ${shown}: only https pages on github.com (or on the GitHub Enterprise host of \`github-enterprise.uri\`) are opened.`;
  logger.warn(reason);
  void ui.notify('warning', reason, []);
  return false;
}
