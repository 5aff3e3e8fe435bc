import * as vscode from 'vscode';
import { join } from 'node:path';
import { CancelSource } from '../core/cancel';
import type { SharedDjango } from '../core/django/types';
import type { Logger } from '../core/logger';
import { launchFromSettings } from '../core/pytest/launch';
import { describePollution, findPolluters, type PollutionResult } from '../core/pytest/pollution';
import { reproduceCommand, testsBefore, verdictOf } from '../core/pytest/pollutionTries';
import { runPytestSession } from '../core/pytest/session';
import { Commands } from '../ids';
import { folderLaunchSettings } from './interpreter';
import { itemData } from './itemData';

/** What the command resolves with (the host tests read it); undefined when there was no test to search for. */
export type PollutionSearch = PollutionResult & { failing: string; candidates: number };

/**
 * "Find the Polluting Test" on a failed test (its context menu, or its failure message): the core search,
 * each try a pytest session after a fresh Django (the managed server restarted in shared mode; in session
 * mode every session starts its own), with progress and cancel in a notification.
 */
export function registerFindPollutingTest(
  context: vscode.ExtensionContext,
  deps: {
    logger: Logger;
    django?: SharedDjango;
    folderOf(item: vscode.TestItem): vscode.WorkspaceFolder | undefined;
  },
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      Commands.findPollutingTest,
      async (arg?: vscode.TestItem | { test?: vscode.TestItem }): Promise<PollutionSearch | undefined> => {
        const item =
          arg && 'test' in arg && !('uri' in arg) ? arg.test : (arg as vscode.TestItem | undefined);
        const data = item ? itemData.get(item) : undefined;
        const folder = item ? deps.folderOf(item) : undefined;
        if (!item || !data || data.kind === 'folder' || data.kind === 'file' || !data.ini || !folder) {
          void vscode.window.showInformationMessage(
            'Find the Polluting Test works on one test: open it from a failed test in the Testing view, or from its failure message.',
          );
          return undefined;
        }
        const ini = data.ini;
        return vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Find the Polluting Test: ${item.label}`,
            cancellable: true,
          },
          (progress, token) => search({ ...deps, folder, ini, failing: data.nodeid, progress, token }),
        );
      },
    ),
  );
}

async function search(opts: {
  logger: Logger;
  django?: SharedDjango;
  folder: vscode.WorkspaceFolder;
  ini: string;
  failing: string;
  progress: vscode.Progress<{ message?: string; increment?: number }>;
  token: vscode.CancellationToken;
}): Promise<PollutionSearch> {
  const { logger, failing } = opts;
  const source = new CancelSource();
  const sub = opts.token.onCancellationRequested(() => source.cancel());
  const pluginDir = join(__dirname, 'python');
  try {
    const settings = await folderLaunchSettings(opts.folder, logger);
    opts.progress.report({ message: 'finding the tests that run before it…' });
    const before = await testsBefore({
      ini: opts.ini,
      failing,
      settings,
      pluginDir,
      token: source.token,
      logger,
    });
    if (before.kind === 'failed') {
      const result: PollutionSearch = {
        kind: 'problem',
        tries: 0,
        message: before.problem,
        failing,
        candidates: 0,
      };
      tell(result);
      return result;
    }
    const result = await findPolluters({
      candidates: before.candidates,
      token: source.token,
      onTry: (p) => {
        const line = `try ${p.attempt} of at most ${p.maxTries}: ${p.candidates} test(s) before it: ${p.verdict.kind === 'problem' ? p.verdict.message : p.verdict.kind}`;
        logger.info(`Find the Polluting Test (${failing}): ${line}`);
        opts.progress.report({ message: line, increment: 100 / p.maxTries });
      },
      tryRun: async (set) => {
        let env: Record<string, string> | undefined;
        try {
          env = await opts.django?.prepareForTestRun(source.token, [opts.ini], { fresh: true });
        } catch (e) {
          return { kind: 'problem', message: (e as Error).message };
        }
        const { launch } = await launchFromSettings(settings, {
          mode: 'run',
          ini: opts.ini,
          nodeIds: [...set, failing],
          extraEnv: env,
          pluginDir,
        });
        const outcome = await runPytestSession(launch, { token: source.token, logger });
        return verdictOf(outcome, failing, reproduceCommand(launch));
      },
    });
    const done: PollutionSearch = { ...result, failing, candidates: before.candidates.length };
    tell(done);
    return done;
  } finally {
    sub.dispose();
  }
}

/** The result in a notification; a found polluter can be opened, the reproducing command copied. */
function tell(result: PollutionSearch): void {
  // The command line is long: Copy Command holds it.
  const text = describePollution(result, result.failing, { command: false });
  if (result.kind !== 'found' && result.kind !== 'failsAlone') {
    void (result.kind === 'problem'
      ? vscode.window.showWarningMessage(text)
      : vscode.window.showInformationMessage(text));
    return;
  }
  const command = result.command;
  void vscode.window.showInformationMessage(text, 'Copy Command').then((choice) => {
    if (choice === 'Copy Command') void vscode.env.clipboard.writeText(command);
  });
}
