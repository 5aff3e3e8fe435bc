import * as vscode from 'vscode';
import type { SharedDjango } from '../core/django/types';
import { tagged, type Logger } from '../core/logger';
import type { LogStore } from '../core/logs/logStore';
import { Commands } from '../ids';
import { FolderTests } from './folderTree';
import { itemData } from './itemData';
import { isAncestor, isUnder } from './itemTree';
import { registerFlakyTests, type FlakyApi } from './flaky';
import { registerFindPollutingTest } from './pollution';
import { testWindows } from './runReporter';
import { windowOfContext } from '../core/pytest/testLogs';
import type { RunResult } from '../core/pytest/history';
import { TestRunner, type RunSummary } from './testRunner';
import { registerCoverageProfile } from './coverageProfile';

/** What the host tests (and later the Debug profile) reach through the extension's API. */
export interface TestExplorerApi {
  folderTests(): readonly FolderTests[];
  /** Resolves when the static read and the background collection of every folder are done. */
  settled(): Promise<void>;
  refresh(): Promise<void>;
  /** Every finished run, whoever started it: the Run profile, "Rerun failed tests", a continuous run. */
  onDidFinishRun: vscode.Event<RunSummary>;
  /** The Run profile of the folder holding the item: its handler is what VS Code calls, continuous runs included. */
  runProfileFor(item: vscode.TestItem): vscode.TestRunProfile;
  /** Each test's outcome history and the flaky marks. */
  flaky: FlakyApi;
  /** The Run with Leak Check profile of the folder holding the item. */
  leakProfileFor(item: vscode.TestItem): vscode.TestRunProfile;
  /** The Coverage profile of the folder holding the item. */
  coverageProfileFor(item: vscode.TestItem): vscode.TestRunProfile;
  /** Runs items through the Run profile's own path (or the leak check's, or the Coverage profile's); resolves with what the run reported. */
  runTests(
    items: readonly vscode.TestItem[],
    opts?: { token?: vscode.CancellationToken; leaks?: boolean; coverage?: boolean },
  ): Promise<RunSummary>;
  /** A CI run's results (by TestItem id) in the outcome history, once per run: flakiness counts CI too. */
  recordCiResults(runId: number, results: readonly RunResult[]): void;
}

interface FolderEntry {
  tests: FolderTests;
  runner: TestRunner;
  profile: vscode.TestRunProfile;
  leakProfile: vscode.TestRunProfile;
  coverageProfile: vscode.TestRunProfile;
}

/** One TestController per workspace folder, its Run profile, and the commands of the Test Explorer. */
export function registerTestExplorer(
  context: vscode.ExtensionContext,
  deps: { logger: Logger; logStore: LogStore; django?: SharedDjango },
): TestExplorerApi {
  const logger = tagged(deps.logger, 'tests');
  const said = new Set<string>();
  const logFallback = (m: string) => {
    if (said.has(m)) return;
    said.add(m);
    logger.info(m);
  };
  const folders = new Map<string, FolderEntry>();
  const finished = new vscode.EventEmitter<RunSummary>();
  const entryFor = (items: readonly vscode.TestItem[]) => {
    const entry = [...folders.values()].find((f) => items.every((i) => isUnder(f.tests.controller, i)));
    if (!entry) throw new Error('the items do not all belong to one workspace folder');
    return entry;
  };

  const add = (folder: vscode.WorkspaceFolder) => {
    const key = folder.uri.toString();
    if (folders.has(key)) return;
    const label =
      (vscode.workspace.workspaceFolders?.length ?? 0) > 1
        ? `Integration Tests (${folder.name})`
        : 'Integration Tests';
    const controller = vscode.tests.createTestController(
      `codespaceTests.${folder.index}.${folder.name}`,
      label,
    );
    const tests = new FolderTests(folder, controller, logger, logFallback);
    const runner = new TestRunner(tests, {
      logger,
      logStore: deps.logStore,
      django: deps.django,
      logFallback,
      onFinished: (summary) => finished.fire(summary),
    });
    controller.refreshHandler = () => tests.refresh();
    const profile = controller.createRunProfile(
      'Run',
      vscode.TestRunProfileKind.Run,
      (request, token) =>
        request.continuous
          ? watchAndRun(entry, request, token)
          : runner.run(request, token).then(() => undefined),
      true,
      undefined,
      true,
    );
    // The same run with the leak check on: which rows each test left in Django's database.
    const leakProfile = controller.createRunProfile(
      'Run with Leak Check',
      vscode.TestRunProfileKind.Run,
      (request, token) => runner.run(request, token, { leaks: true }).then(() => undefined),
      false,
    );
    const coverageProfile = registerCoverageProfile(controller, runner);
    const entry: FolderEntry = { tests, runner, profile, leakProfile, coverageProfile };
    folders.set(key, entry);
    // Items the tree gains (the background collection, edited files) get their flaky marks too.
    void tests.refresh().then(() => tests.settled().then(() => flaky.apply()));
    context.subscriptions.push(tests.onFilesChanged(() => flaky.apply()));
  };
  const remove = (folder: vscode.WorkspaceFolder) => {
    const entry = folders.get(folder.uri.toString());
    if (!entry) return;
    entry.tests.dispose();
    entry.tests.controller.dispose();
    folders.delete(folder.uri.toString());
  };

  const flaky: FlakyApi = registerFlakyTests(context, {
    logger,
    onDidFinishRun: finished.event,
    controllers: () => [...folders.values()].map((f) => f.tests.controller),
    runTests: (items, token) =>
      entryFor(items).runner.run(
        new vscode.TestRunRequest([...items], undefined, entryFor(items).profile),
        token,
      ),
  });
  for (const f of vscode.workspace.workspaceFolders ?? []) add(f);
  registerFindPollutingTest(context, {
    logger,
    django: deps.django,
    folderOf: (item) => [...folders.values()].find((f) => isUnder(f.tests.controller, item))?.tests.folder,
  });
  context.subscriptions.push(
    finished,
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      e.removed.forEach(remove);
      e.added.forEach(add);
    }),
    vscode.commands.registerCommand(Commands.refreshTests, () =>
      Promise.all([...folders.values()].map((f) => f.tests.refresh())),
    ),
    vscode.commands.registerCommand(Commands.rerunFailed, async (): Promise<RunSummary[]> => {
      const withFailures = [...folders.values()].filter((f) => f.runner.lastFailed.length);
      if (!withFailures.length) {
        void vscode.window.showInformationMessage('No failed tests to rerun: the last run had no failures.');
        return [];
      }
      const summaries: RunSummary[] = [];
      for (const f of withFailures) {
        const request = new vscode.TestRunRequest(f.runner.lastFailed, undefined, f.profile);
        const cts = new vscode.CancellationTokenSource();
        summaries.push(await f.runner.run(request, cts.token).finally(() => cts.dispose()));
      }
      return summaries;
    }),
    vscode.commands.registerCommand(
      Commands.showLogsForTest,
      (arg?: { test?: vscode.TestItem; message?: vscode.TestMessage }) => showLogsForTest(arg),
    ),
    { dispose: () => [...folders.values()].forEach((f) => remove(f.tests.folder)) },
  );

  return {
    folderTests: () => [...folders.values()].map((f) => f.tests),
    settled: async () => void (await Promise.all([...folders.values()].map((f) => f.tests.settled()))),
    refresh: async () => void (await Promise.all([...folders.values()].map((f) => f.tests.refresh()))),
    onDidFinishRun: finished.event,
    runProfileFor: (item) => entryFor([item]).profile,
    leakProfileFor: (item) => entryFor([item]).leakProfile,
    coverageProfileFor: (item) => entryFor([item]).coverageProfile,
    flaky,
    recordCiResults: (runId, results) => flaky.recordCiRun(runId, results),
    runTests: async (items, opts) => {
      const entry = entryFor(items);
      const cts = opts?.token ? undefined : new vscode.CancellationTokenSource();
      try {
        return await entry.runner.run(
          new vscode.TestRunRequest(
            [...items],
            undefined,
            opts?.coverage ? entry.coverageProfile : opts?.leaks ? entry.leakProfile : entry.profile,
          ),
          opts?.token ?? cts!.token,
          { leaks: opts?.leaks, coverage: opts?.coverage },
        );
      } finally {
        cts?.dispose();
      }
    },
  };
}

/** Continuous run: whenever a watched test file changes, run its tests that the request covers. */
async function watchAndRun(
  entry: FolderEntry,
  request: vscode.TestRunRequest,
  token: vscode.CancellationToken,
): Promise<void> {
  let chain = Promise.resolve();
  const sub = entry.tests.onFilesChanged((paths) => {
    chain = chain.then(async () => {
      if (token.isCancellationRequested) return;
      const items = new Set<vscode.TestItem>();
      entry.tests.controller.items.forEach(function walk(item) {
        if (itemData.get(item)?.kind !== 'file') return item.children.forEach(walk);
        if (!item.uri || !paths.includes(item.uri.fsPath)) return;
        // The whole file when the request covers it; else the requested tests inside it.
        if (!request.include || request.include.some((i) => i === item || isAncestor(i, item)))
          items.add(item);
        else for (const i of request.include) if (isAncestor(item, i)) items.add(i);
      });
      if (items.size)
        await entry.runner.run(
          new vscode.TestRunRequest([...items], request.exclude, request.profile, true),
          token,
        );
    });
  });
  await new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()));
  sub.dispose();
}

async function showLogsForTest(arg?: {
  test?: vscode.TestItem;
  message?: vscode.TestMessage;
}): Promise<void> {
  const test = arg?.test;
  // The message's own window first: an older result opens its window, not the test's last one.
  const window = windowOfContext(arg?.message?.contextValue) ?? (test ? testWindows.get(test) : undefined);
  if (!test || !window) {
    void vscode.window.showInformationMessage(
      'No logs are known for this test yet: run it, then open its logs from its failure message.',
    );
    return;
  }
  await vscode.commands.executeCommand(Commands.openLogViewer, {
    from: window.from,
    to: window.to,
    title: test.label,
  });
}
