import * as vscode from 'vscode';
import { Commands, Views } from '../ids';
import { tagged, type Logger } from '../core/logger';
import { offeredPytestArgs, offeredTerminalFix } from '../core/doctor/fixes';
import { runDoctor } from '../core/doctor/runner';
import { doctorSettingsFrom, pythonTestingFrom, workspaceInis } from '../core/doctor/settings';
import type { CheckResult, GitHubSignIn } from '../core/doctor/types';
import { destinationFor } from '../core/github/destination';
import type { DjangoController } from '../django/controller';
import { FolderSettings } from '../settings';
import { pythonInterpreter } from '../testing/interpreter';
import { GitHubTokens, TEST_TOKEN_VARIABLE, type TokenSource } from '../ci/auth';
import { resolveTarget } from '../ci/target';
import { destinationSettings } from '../ci/userSettings';
import { CodespaceView, type CodespaceNode } from './codespaceView';
import { runFixInTerminal } from './fixTerminal';
import { windowDoctorPrompts, writePytestArgs, type DoctorPrompts } from './pythonTestsFix';

/** What host tests reach of Check Codespace through the ExtensionApi. */
export interface DoctorApi {
  /** Runs every check (as the command does) and resolves with what the view then shows. */
  check(): Promise<CheckResult[]>;
  view: CodespaceView;
  /** Fires with the results each time the checks have run. */
  onDidCheck: vscode.Event<CheckResult[]>;
  /** The questions a fix asks (replaceable by host tests). */
  prompts: DoctorPrompts;
}

const SOURCES: Record<TokenSource, string> = {
  stored: 'the token set with Set GitHub Token…',
  session: 'your VS Code GitHub sign-in',
  codespace: "the codespace's GITHUB_TOKEN",
  testEnvironment: TEST_TOKEN_VARIABLE,
};

/** Registers Check Codespace, the Codespace view, and the commands its fixes use. */
export function registerDoctor(
  context: vscode.ExtensionContext,
  deps: { logger: Logger; django: DjangoController },
): DoctorApi {
  const logger = tagged(deps.logger, 'doctor');
  const view = new CodespaceView(Views.codespace);
  const tokens = new GitHubTokens(context.secrets, context.extensionMode !== vscode.ExtensionMode.Production);
  let running: Promise<CheckResult[]> | undefined;
  const checked = new vscode.EventEmitter<CheckResult[]>();
  /** The results whose terminal fixes may run: the terminal command runs nothing else. */
  let latest: CheckResult[] = [];
  const api: DoctorApi = {
    check: () => check(),
    view,
    onDidCheck: checked.event,
    prompts: windowDoctorPrompts,
  };

  const check = (): Promise<CheckResult[]> => {
    running ??= runChecks().finally(() => (running = undefined));
    return running;
  };
  const runChecks = async (): Promise<CheckResult[]> => {
    view.show({ kind: 'running', previous: view.state.kind === 'done' ? view.state.checks : undefined });
    try {
      const checks = await vscode.window.withProgress(
        { location: { viewId: Views.codespace }, title: 'Checking the codespace' },
        () => doctorRun(logger, deps.django, tokens),
      );
      latest = checks;
      view.show({ kind: 'done', checks, at: new Date() });
      checked.fire(checks);
      const failed = checks.filter((c) => c.status === 'fail');
      logger.info(
        `Check Codespace: ${failed.length} failed${failed.length ? ` (${failed.map((c) => c.id).join(', ')})` : ''}.`,
      );
      return checks;
    } catch (e) {
      const message = `Check Codespace could not run: ${(e as Error).message}`;
      logger.error(message);
      view.show({ kind: 'notRun' });
      void vscode.window.showErrorMessage(message);
      return [];
    }
  };

  // The first time the view is shown, it fills itself: an empty Codespace view says nothing.
  const firstShow = view.view.onDidChangeVisibility((e) => {
    if (e.visible && view.state.kind === 'notRun') void check();
  });

  context.subscriptions.push(
    view,
    checked,
    firstShow,
    vscode.commands.registerCommand(Commands.checkCodespace, async () => {
      await vscode.commands.executeCommand(`${Views.codespace}.focus`);
      return check();
    }),
    vscode.commands.registerCommand(Commands.applyCodespaceFix, (node?: CodespaceNode) => applyFix(node)),
    vscode.commands.registerCommand(Commands.runInTerminal, async (...args: unknown[]) => {
      const offered = offeredTerminalFix(latest, args);
      if (!offered) {
        logger.warn(
          `Refused to run ${JSON.stringify(args).slice(0, 200)} in a terminal: Check Codespace did not offer it as a fix. Run Check Codespace and use the fix button in the Codespace view.`,
        );
        return;
      }
      const { commandLine, cwd, env } = offered;
      // Once the fix has ended, the view shows whether it worked without being asked again.
      await runFixInTerminal(commandLine, cwd, env, (exitCode) => {
        logger.info(
          `The fix "${commandLine}" ended${exitCode === undefined ? '' : ` (exit ${exitCode})`}: checking again.`,
        );
        // A check that was already running started before the fix ended: this one starts after it.
        void (running ?? Promise.resolve()).then(check);
      });
    }),
    vscode.commands.registerCommand(Commands.ignoreInPythonTests, async (...args: unknown[]) => {
      const after = offeredPytestArgs(latest, args);
      if (!after) {
        logger.warn(
          `Refused to change python.testing.pytestArgs to ${JSON.stringify(args).slice(0, 200)}: Check Codespace did not offer it as a fix.`,
        );
        return;
      }
      const folder = args[0] as string;
      const before = vscode.workspace
        .getConfiguration('python.testing', vscode.Uri.file(folder))
        .get<string[]>('pytestArgs', []);
      try {
        if (await writePytestArgs(folder, before, after, api.prompts, logger)) await check();
      } catch (e) {
        const message = `python.testing.pytestArgs could not be changed: ${(e as Error).message}`;
        logger.error(message);
        void vscode.window.showErrorMessage(message);
      }
    }),
  );
  return api;
}

async function applyFix(node: CodespaceNode | undefined): Promise<void> {
  const fix = node && node.kind !== 'checking' ? node.check.fix : undefined;
  if (!fix?.command) return;
  await vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
}

/** Builds the settings from VS Code's configuration (the first folder) and runs the core checks. */
async function doctorRun(
  logger: Logger,
  django: DjangoController,
  tokens: GitHubTokens,
): Promise<CheckResult[]> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open the codespace folder first.');
  const get = new FolderSettings(folder).get;
  const python = vscode.workspace.getConfiguration('python.testing', folder.uri);
  const settings = doctorSettingsFrom(
    get,
    folder.uri.fsPath,
    await pythonInterpreter(folder, logger),
    pythonTestingFrom((key) => python.get(key), folder.uri.fsPath),
  );
  const inis = await workspaceInis(folder.uri.fsPath, get('tests.include'));
  return runDoctor({
    settings,
    logger,
    inis,
    isManagedServer: (owner) => {
      const pid = django.server.pid;
      return pid !== undefined && (owner.pid === pid || owner.ppid === pid);
    },
    githubSignIn: () => githubSignIn(logger, tokens),
  });
}

/** The token Trigger CI would use, looked up without asking anyone. */
async function githubSignIn(logger: Logger, tokens: GitHubTokens): Promise<GitHubSignIn> {
  const target = await resolveTarget(logger, { fetch: false });
  const dest =
    target.kind === 'ok'
      ? target.target.destination
      : destinationFor({ host: 'github.com', owner: '', repo: '' }, destinationSettings());
  if (dest.kind !== 'github') return undefined;
  const token = await tokens.resolve(dest, { interactive: false });
  return token ? { source: SOURCES[token.source] } : undefined;
}
