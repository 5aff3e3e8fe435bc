import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import type { LogStore } from '../core/logs/logStore';
import { Commands } from '../ids';
import { DjangoServerDebugger } from './djangoServer';
import type { DjangoController } from '../django/controller';
import { TestDebugProfiles, type DebugRunResult } from './testProfile';
import type { TestExplorerApi } from '../testing/testExplorer';
import { windowDebugPrompts, type DebugPrompts } from './prompts';
import { VsCodeDebugSessions } from './vscodeDebugger';

/** What the host tests reach: the Debug profiles, the server debugger, and the replaceable prompts. */
export interface DebugApi {
  /** Replace to observe the messages without clicking (extension-host tests). */
  prompts: DebugPrompts;
  /** The Debug profile of each folder's controller. */
  testProfiles(): vscode.TestRunProfile[];
  /** How the last Debug runs ended (newest last). */
  testResults: readonly DebugRunResult[];
  server: DjangoServerDebugger;
}

/** Debugging: the Debug profile on every test controller, and "Debug Django Server". */
export function registerDebug(
  context: vscode.ExtensionContext,
  deps: { logger: Logger; logStore: LogStore; django: DjangoController; testExplorer: TestExplorerApi },
): DebugApi {
  const sessions = new VsCodeDebugSessions(deps.logger);
  // The parts read the prompts through `api` when they ask, so a test that replaces them is heard.
  const server = new DjangoServerDebugger(deps.django, sessions, () => api.prompts, deps.logger);
  const profiles = new TestDebugProfiles({
    logger: deps.logger,
    logStore: deps.logStore,
    django: deps.django,
    sessions,
    prompts: () => api.prompts,
    folderTests: () => deps.testExplorer.folderTests(),
  });
  const api: DebugApi = {
    prompts: windowDebugPrompts,
    testProfiles: () => profiles.all(),
    get testResults() {
      return profiles.results;
    },
    server,
  };
  profiles.sync();
  context.subscriptions.push(
    sessions,
    profiles,
    server,
    // After the Test Explorer has built the new folders' controllers.
    vscode.workspace.onDidChangeWorkspaceFolders(() => setTimeout(() => profiles.sync(), 0)),
    vscode.commands.registerCommand(Commands.debugDjango, () => server.debugServer()),
  );
  return api;
}
