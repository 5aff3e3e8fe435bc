import * as vscode from 'vscode';
import { DEBUGPY_EXTENSION_ID } from '../core/debug/types';

/** The messages the debug part shows; replaceable, so extension-host tests observe them without clicking. */
export interface DebugPrompts {
  /** The Python Debugger extension is missing: say so and offer to install it. */
  debugpyExtensionMissing(message: string): Promise<void>;
  /** A failure the person must act on (debugpy missing from the interpreter, the attach failed). */
  error(message: string): Promise<void>;
}

const INSTALL_DEBUGPY = 'Install Python Debugger';

export const windowDebugPrompts: DebugPrompts = {
  async debugpyExtensionMissing(message) {
    const answer = await vscode.window.showErrorMessage(message, INSTALL_DEBUGPY);
    if (answer === INSTALL_DEBUGPY)
      await vscode.commands.executeCommand('workbench.extensions.installExtension', DEBUGPY_EXTENSION_ID);
  },
  async error(message) {
    await vscode.window.showErrorMessage(message);
  },
};

/** The message for a missing debugpy extension, naming what was being debugged. */
export function debugpyExtensionMissingMessage(what: string): string {
  return (
    `Debugging ${what} needs the Python Debugger extension (${DEBUGPY_EXTENSION_ID}), which is not installed. ` +
    'Install it, then debug again; running without the debugger still works.'
  );
}

export function hasDebugpyExtension(): boolean {
  return vscode.extensions.getExtension(DEBUGPY_EXTENSION_ID) !== undefined;
}
