import * as vscode from 'vscode';
import type { SharedDjango } from '../core/django/types';
import { tagged, type Logger } from '../core/logger';
import type { LogStore } from '../core/logs/logStore';
import { runPytestUnderDebugger, type TestDebugSettings } from '../core/debug/testDebug';
import { debugInterpreter } from '../core/debug/testLaunch';
import type { PytestLaunch } from '../core/pytest/launch';
import type { SessionOptions } from '../core/pytest/session';
import { debugpyExtensionMissingMessage, hasDebugpyExtension, type DebugPrompts } from './prompts';
import type { VsCodeDebugSessions } from './vscodeDebugger';
import { FolderSettings } from '../settings';
import type { FolderTests } from '../testing/folderTree';
import { pythonInterpreter } from '../testing/interpreter';
import { TestRunner, type RunSummary } from '../testing/testRunner';

/** How the last Debug run ended; host tests read it (the vscode API cannot read a TestRun back). */
export type DebugRunResult =
  { kind: 'debuggerMissing'; message: string } | { kind: 'ran'; summary: RunSummary };

interface TestDebugDeps {
  logger: Logger;
  logStore: LogStore;
  django?: SharedDjango;
  sessions: VsCodeDebugSessions;
  prompts: () => DebugPrompts;
  /** The folders' tests, as the Test Explorer has them now. */
  folderTests: () => readonly FolderTests[];
}

/**
 * The Debug profile beside Run on every folder's controller: the same run path (same node ids, `-c`,
 * environment with Django's URL and key, working directory, interpreter), but pytest starts under
 * `debugpy` through `vscode.debug.startDebugging`, and results still stream into the run via the plugin.
 */
export class TestDebugProfiles implements vscode.Disposable {
  private readonly profiles = new Map<vscode.TestController, vscode.TestRunProfile>();
  private readonly logger: Logger;
  private readonly said = new Set<string>();
  readonly results: DebugRunResult[] = [];

  constructor(private readonly deps: TestDebugDeps) {
    this.logger = tagged(deps.logger, 'debug');
  }

  /** Adds the profile to every controller that has none yet (call again when folders change). */
  sync(): void {
    const live = new Set<vscode.TestController>();
    for (const tests of this.deps.folderTests()) {
      live.add(tests.controller);
      if (!this.profiles.has(tests.controller)) this.profiles.set(tests.controller, this.create(tests));
    }
    for (const controller of [...this.profiles.keys()])
      if (!live.has(controller)) this.profiles.delete(controller);
  }

  all(): vscode.TestRunProfile[] {
    return [...this.profiles.values()];
  }

  private create(tests: FolderTests): vscode.TestRunProfile {
    const runner = new TestRunner(tests, {
      logger: this.logger,
      logStore: this.deps.logStore,
      django: this.deps.django,
      logFallback: (m) => {
        if (!this.said.has(m)) this.logger.info(m);
        this.said.add(m);
      },
      startSession: (launch, opts) => this.startSession(tests.folder, launch, opts),
    });
    return tests.controller.createRunProfile(
      'Debug',
      vscode.TestRunProfileKind.Debug,
      (request, token) => this.debug(tests, runner, request, token),
      true,
    );
  }

  private async debug(
    tests: FolderTests,
    runner: TestRunner,
    request: vscode.TestRunRequest,
    token: vscode.CancellationToken,
  ): Promise<void> {
    // Checked before anything starts (Django included): without it the launch cannot work.
    if (!hasDebugpyExtension()) {
      const message = debugpyExtensionMissingMessage('tests');
      this.logger.warn(message);
      endWithMessage(tests.controller, request, message);
      this.record({ kind: 'debuggerMissing', message });
      await this.deps.prompts().debugpyExtensionMissing(message);
      return;
    }
    const summary = await runner.run(request, token);
    this.record({ kind: 'ran', summary });
  }

  private async startSession(folder: vscode.WorkspaceFolder, launch: PytestLaunch, opts: SessionOptions) {
    const s = new FolderSettings(folder);
    // A run through uv uses uv's environment: the debugger must too, or the packages differ.
    const { python, note } = await debugInterpreter(launch, await pythonInterpreter(folder, this.logger));
    if (note) this.logger.info(note);
    const settings: TestDebugSettings = {
      interpreter: python,
      justMyCode: s.get('debug.justMyCode') !== false,
      launchProperties: s.get('debug.launchProperties') ?? {},
      launchJson: vscode.workspace.getConfiguration('launch', folder.uri).get('configurations'),
      requiredEnv: [s.get('django.urlEnvVar'), s.get('django.apiKeyEnvVar')].filter(Boolean),
    };
    return runPytestUnderDebugger(launch, opts, this.deps.sessions.debuggerFor(folder), settings);
  }

  private record(result: DebugRunResult): void {
    this.results.push(result);
    if (this.results.length > 20) this.results.shift();
  }

  dispose(): void {
    for (const p of this.profiles.values()) p.dispose();
    this.profiles.clear();
  }
}

/** A run that says why nothing was debugged: the selected tests end errored with the message. */
function endWithMessage(
  controller: vscode.TestController,
  request: vscode.TestRunRequest,
  message: string,
): void {
  const run = controller.createTestRun(request, 'Debug', false);
  run.appendOutput(message.replace(/\n/g, '\r\n') + '\r\n');
  const items: vscode.TestItem[] = [];
  if (request.include) items.push(...request.include);
  else controller.items.forEach((i) => void items.push(i));
  for (const item of items) run.errored(item, new vscode.TestMessage(message));
  run.end();
}
