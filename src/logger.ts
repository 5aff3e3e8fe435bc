import * as vscode from 'vscode';
import type { Logger } from './core/log';

/** The extension's one log: a LogOutputChannel ("Codespace Integration Tests" in the Output view). */
export function createChannelLogger(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Codespace Integration Tests', { log: true });
  return { channel, logger: channel };
}
