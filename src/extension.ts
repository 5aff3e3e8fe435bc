import * as vscode from 'vscode';
import { createChannelLogger } from './outputChannelLogger';
import { LogStore } from './core/logs/logStore';
import { ConfigSection } from './ids';
import { followOutputSettings, reportSettingProblems } from './settings';
import { useReaperFolder } from './core/process/reaper';
import { registerDjango } from './django/register';
import type { DjangoController } from './django/controller';
import { registerCi, type CiApi } from './ci/register';
import { registerRunOnCi, type CiTestsApi } from './ci/registerRunOnCi';
import { registerTestExplorer, type TestExplorerApi } from './testing/testExplorer';
import { registerDebug, type DebugApi } from './debug/register';
import { registerLogs, type LogsApi } from './logs/register';
import { registerDoctor, type DoctorApi } from './doctor/register';
import { registerWalkthrough, type WalkthroughApi } from './walkthrough/register';

/** Wiring only: builds the parts, registers them, nothing else. */
export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi | undefined> {
  const activateStarted = performance.now();
  const { channel, logger, errors } = createChannelLogger();
  context.subscriptions.push(channel);
  useReaperFolder(context.globalStorageUri.fsPath);
  context.subscriptions.push(followOutputSettings(), reportSettingProblems(logger));
  const capacity = vscode.workspace
    .getConfiguration(ConfigSection)
    .get<number>('logs.maxLinesPerSource', 100_000);
  const logStore = new LogStore(capacity);
  context.subscriptions.push({ dispose: () => logStore.dispose() });

  // @wire: each part registers below (one line each).
  const django = registerDjango(context, { logger, logStore });
  const ci = registerCi(context, { logger, logStore });
  const testExplorer = registerTestExplorer(context, { logger, logStore, django });
  const debug = registerDebug(context, { logger, logStore, django, testExplorer });
  const ciTests = registerRunOnCi(context, { logger, ci, testExplorer });
  const logs = registerLogs(context, { logger, logStore });
  const doctor = registerDoctor(context, { logger, django });
  const walkthrough = registerWalkthrough(context, { testExplorer, doctor });

  logger.info(
    `Codespace Integration Tests ${context.extension.packageJSON.version} activated (${vscode.ExtensionMode[context.extensionMode]} mode)`,
  );
  const activation = {
    startedAt: Date.now() - (performance.now() - activateStarted),
    ms: performance.now() - activateStarted,
  };
  // The API holds the Django API key and replaceable prompts: only the extension's own tests get it.
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    logStore,
    loggedErrors: () => [...errors],
    django,
    ci,
    ciTests,
    testExplorer,
    debug,
    logs,
    doctor,
    walkthrough,
    activation,
  };
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop every process the extension started.
}

/** What the extension exports, only when it runs under its own extension-host tests (ExtensionMode.Test). */
export interface ExtensionApi {
  logStore: LogStore;
  /** Messages logged as errors since activation. */
  loggedErrors(): string[];
  /** The managed Django: state, commands, status bar, replaceable prompts; also the SharedDjango for test runs. */
  django: DjangoController;
  /** Trigger CI on Branch: the trigger, its status bar item, the CI Runs view, replaceable prompts. */
  ci: CiApi;
  /** Run on CI, Show Results of CI Run and the offer of a failed scheduled run's results. */
  ciTests: CiTestsApi;
  /** Test Explorer: controllers per folder, discovery state, and the run path the Run profile uses. */
  testExplorer: TestExplorerApi;
  /** Debugging: the Debug profiles, "Debug Django Server", replaceable prompts. */
  debug: DebugApi;
  /** Pods view, pod log streams and the log viewer panel (its rendered rows read back for tests). */
  logs: LogsApi;
  /** Check Codespace: the checks and the Codespace view. */
  doctor: DoctorApi;
  /** The getting-started walkthrough's milestones (context keys set on the real events). */
  walkthrough: WalkthroughApi;
  /** When activate() started (epoch ms) and how long it took to return (the benchmarks print it). */
  activation: { startedAt: number; ms: number };
}
