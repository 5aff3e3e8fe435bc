import * as vscode from 'vscode';
import { createChannelLogger } from './logger';
import { LogStore } from './core/logs/logStore';
import { ConfigSection } from './ids';

/** Wiring only: builds the parts, registers them, nothing else. */
export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const { channel, logger, errors } = createChannelLogger();
  context.subscriptions.push(channel);
  const capacity = vscode.workspace
    .getConfiguration(ConfigSection)
    .get<number>('logs.maxLinesPerSource', 100_000);
  const logStore = new LogStore(capacity);
  context.subscriptions.push({ dispose: () => logStore.dispose() });

  // @wire: each part registers below (one line each).

  logger.info(`Codespace Integration Tests ${context.extension.packageJSON.version} activated`);
  return { logStore, loggedErrors: () => [...errors] };
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop every process the extension started.
}

/** What the extension exports: used by its own extension-host tests. */
export interface ExtensionApi {
  logStore: LogStore;
  /** Messages logged as errors since activation. */
  loggedErrors(): string[];
}
