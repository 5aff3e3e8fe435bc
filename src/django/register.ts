import * as vscode from 'vscode';
import { Commands } from '../ids';
import { tagged, type Logger } from '../core/logger';
import type { LogStore } from '../core/logs/logStore';
import { DjangoServer } from '../core/django/server';
import { DjangoController } from './controller';
import { DjangoStatusBar } from './statusBar';
import { DjangoTerminal } from './terminal';
import { showDjangoMenu } from './menu';
import { DjangoModeTracker } from './modeTracker';
import { DjangoLogFile } from './logFile';

/** Builds the managed Django (server, terminal, status bar, commands); its disposal kills the server's tree. */
export function registerDjango(
  context: vscode.ExtensionContext,
  { logger, logStore }: { logger: Logger; logStore: LogStore },
): DjangoController {
  const log = tagged(logger, 'django');
  const server = new DjangoServer(log, logStore);
  const terminal = new DjangoTerminal(() => void controller.stopCommand());
  const statusBar = new DjangoStatusBar();
  const mode = new DjangoModeTracker(log, context.workspaceState, context.extensionUri);
  const controller = new DjangoController(server, terminal, statusBar, log, mode);
  mode.onDidChange((choice) => statusBar.setMode(choice));
  const logFile = new DjangoLogFile(logStore, log);
  controller.logFile = logFile;
  void mode.choose().catch((e: unknown) => log.warn(`Could not tell the Django mode: ${String(e)}`));
  server.onOutput((chunk) => terminal.write(chunk));
  server.onDidChangeState((state) => statusBar.update(state));
  server.onCrash((crash) => {
    const show = 'Show Django Terminal';
    const start = 'Start Django';
    void vscode.window.showErrorMessage(crash.reason, show, start).then((a) => {
      if (a === show) controller.showTerminal();
      if (a === start) void controller.startCommand();
    });
  });
  context.subscriptions.push(
    // Disposing the controller kills the server's tree: on deactivation and on window close.
    controller,
    terminal,
    statusBar,
    mode,
    logFile,
    vscode.commands.registerCommand(Commands.startDjango, () => controller.startCommand()),
    vscode.commands.registerCommand(Commands.stopDjango, () => controller.stopCommand()),
    vscode.commands.registerCommand(Commands.restartDjango, () => controller.startCommand(true)),
    vscode.commands.registerCommand(Commands.showDjangoTerminal, () => controller.showTerminal()),
    vscode.commands.registerCommand(Commands.djangoMenu, () => showDjangoMenu(controller.state)),
  );
  return controller;
}
