import * as vscode from 'vscode';
import type { Logger } from './core/logger';

/**
 * The extension's one log: a LogOutputChannel ("Codespace Integration Tests" in the Output view).
 * Errors are also remembered, so the extension-host tests can check that nothing was logged as an error.
 */
export function createChannelLogger(): {
  channel: vscode.LogOutputChannel;
  logger: Logger;
  errors: string[];
} {
  const channel = vscode.window.createOutputChannel('Codespace Integration Tests', { log: true });
  const errors: string[] = [];
  const logger: Logger = {
    trace: (m, ...a) => channel.trace(m, ...a),
    debug: (m, ...a) => channel.debug(m, ...a),
    info: (m, ...a) => channel.info(m, ...a),
    warn: (m, ...a) => channel.warn(m, ...a),
    error: (m, ...a) => {
      if (errors.length < 100) errors.push(m instanceof Error ? m.message : m);
      channel.error(m, ...a);
    },
  };
  return { channel, logger, errors };
}
