import * as vscode from 'vscode';
import { join } from 'node:path';
import { waitFor } from '../core/cancel';
import { Emitter } from '../core/events';
import type { Logger } from '../core/logger';
import { threadTimes, waitedForCpu } from '../core/threadTimes';
import {
  discoverFile,
  discoverFolder,
  IniCache,
  includedTestFiles,
  type DiscoveredFile,
} from '../core/pytest/discovery';
import { reconcile } from '../core/pytest/reconcile';
import { leafIds } from '../core/pytest/staticReader';
import { ConfigSection } from '../ids';
import { FolderSettings, onSettingsChanged } from '../settings';
import { PytestCollector } from './pytestCollector';
import { syncTree } from './treeSync';

const FILE_DEBOUNCE_MS = 300;

/**
 * The tests of one workspace folder: the static read at once, pytest's collection in the background,
 * kept current as files are saved, created, renamed and deleted, and as the include setting changes.
 */
export class FolderTests implements vscode.Disposable {
  private readonly files = new Map<string, DiscoveredFile>();
  private readonly versions = new Map<string, number>();
  private readonly inis = new IniCache();
  private readonly fileTimers = new Map<string, NodeJS.Timeout>();
  private readonly changeEmitter = new vscode.EventEmitter<string[]>();
  private readonly collector: PytestCollector;
  private readonly disposables: vscode.Disposable[] = [];
  /** The watcher of the test files: rebuilt when `tests.include` changes. */
  private testFiles: vscode.Disposable | undefined;
  private discovered: Promise<void> = Promise.resolve();
  /** Files being read again after a change; with the collector's idle, tells `settled()` when to look again. */
  private rereading = 0;
  private readonly quiet = new Emitter<void>();
  /** Counts refreshes, so a slow read started before a newer one cannot overwrite it. */
  private generation = 0;
  /**
   * When the first static read reached the tree (ms since the epoch), how many tests it showed, the
   * milliseconds VS Code itself spent creating and attaching the items, and those the read spent waiting
   * for a CPU that other processes held (0 where Linux does not tell): logged, and read by the benchmark.
   */
  firstTree: { at: number; tests: number; inVsCode: number; waitedForCpu: number } | undefined;
  /** Files changed on disk (absolute paths), after their part of the tree is updated: for continuous runs. */
  readonly onFilesChanged = this.changeEmitter.event;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly controller: vscode.TestController,
    private readonly logger: Logger,
    logFallback: (message: string) => void,
  ) {
    this.collector = new PytestCollector({
      folder,
      logger,
      logFallback,
      inis: this.inis,
      filesOf: (ini) =>
        [...this.files.values()]
          .filter((f) => f.ini === ini)
          .map((file) => ({ file, version: this.versions.get(file.path) ?? 0 })),
      rootItem: (ini) => controller.items.get(`dir:${join(ini, '..')}`),
      collected: () => this.render(),
    });
    this.disposables.push(
      this.changeEmitter,
      this.collector,
      this.collector.onIdle(() => this.quiet.fire()),
      this.watchInis(),
      this.watchSettings(),
    );
    this.watchTestFiles();
  }

  get settings(): FolderSettings {
    return new FolderSettings(this.folder);
  }

  /** Static read of the whole folder, then pytest's collection in the background. */
  refresh(): Promise<void> {
    const generation = ++this.generation;
    const asked = Date.now();
    this.discovered = (async () => {
      // Let activation (and the caller) finish first, and nothing else: the read and the first tree are
      // one synchronous stretch, done before the other extensions' startup work (a setImmediate here
      // waited 200-400 ms behind it in a cold window).
      await Promise.resolve();
      if (generation !== this.generation) return;
      this.inis.forget();
      const t = Date.now();
      const cpu = process.cpuUsage();
      const times = threadTimes();
      const found = await discoverFolder(this.folder.uri.fsPath, this.include, this.inis);
      if (generation !== this.generation) return;
      const read = Date.now();
      // On a busy machine (a window starting on 2 cores) the read can wait longer for a CPU than it runs.
      const waited = Math.round(waitedForCpu(times, threadTimes()));
      this.files.clear();
      for (const f of found) this.files.set(f.path, f);
      const inVsCode = this.render();
      const shown = Date.now();
      const used = process.cpuUsage(cpu);
      const tests = found.reduce((n, f) => n + leafIds(f.tests).length, 0);
      this.firstTree ??= { at: shown, tests, inVsCode, waitedForCpu: waited };
      this.logger.info(
        `${this.folder.name}: ${tests} test(s) in ${found.length} file(s) read and shown in ${shown - t} ms (started after ${t - asked} ms, read in ${read - t} ms${times ? `, ${waited} ms of it waiting for a CPU` : ''}, shown in ${shown - read} ms of which VS Code's item creation took ${Math.round(inVsCode)} ms, ${Math.round((used.user + used.system) / 1000)} ms of CPU)`,
      );
      const inis = new Set([...this.files.values()].filter((f) => f.ini && !f.problem).map((f) => f.ini!));
      await this.collector.collectAll([...inis]);
    })().catch((e) =>
      this.logger.error(`Test discovery in ${this.folder.name} failed: ${(e as Error).message}`),
    );
    return this.discovered;
  }

  /** Resolves when the last refresh, the file changes pending, and every collection they started have finished. */
  async settled(): Promise<void> {
    await this.discovered;
    const busy = () => this.collector.busy || this.fileTimers.size > 0 || this.rereading > 0;
    if (busy()) await waitFor(this.quiet.event, undefined, undefined, { until: () => !busy() });
  }

  /** Every file currently shown, for the run path (its ini, rootdir and problem). */
  fileFor(path: string): DiscoveredFile | undefined {
    return this.files.get(path);
  }

  private get include(): string {
    return this.settings.get('tests.include');
  }

  private watchTestFiles(): void {
    this.testFiles?.dispose();
    // VS Code's glob could disagree with ours: watch every Python file and let the include glob decide.
    const isCandidate = includedTestFiles(this.folder.uri.fsPath, this.include);
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(this.folder, '**/*.py'),
    );
    const onFile = (uri: vscode.Uri) => {
      if (isCandidate(uri.fsPath)) this.fileChanged(uri.fsPath);
    };
    this.testFiles = vscode.Disposable.from(
      watcher,
      watcher.onDidChange(onFile),
      watcher.onDidCreate(onFile),
      watcher.onDidDelete(onFile),
    );
  }

  private watchInis(): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(this.folder, '**/pytest.ini'),
    );
    const onIni = () => void this.refresh();
    return vscode.Disposable.from(
      watcher,
      watcher.onDidChange(onIni),
      watcher.onDidCreate(onIni),
      watcher.onDidDelete(onIni),
    );
  }

  /** A new include pattern takes effect at once: a new watcher and a new read, no reload. */
  private watchSettings(): vscode.Disposable {
    const key = (k: string) => `${ConfigSection}.${k}`;
    return onSettingsChanged((e) => {
      if (e.affectsConfiguration(key('tests.include'), this.folder.uri)) {
        this.logger.info(
          `${this.folder.name}: tests.include is now "${this.include}"; reading the tests again`,
        );
        this.watchTestFiles();
        void this.refresh();
      } else if (e.affectsConfiguration(key('tests.collectWithPytest'), this.folder.uri)) void this.refresh();
      else if (e.affectsConfiguration(key('tests.needsComponent'), this.folder.uri)) this.render();
    });
  }

  /** A test file was saved, created or deleted: re-read it alone, debounced. */
  fileChanged(path: string): void {
    clearTimeout(this.fileTimers.get(path));
    this.fileTimers.set(
      path,
      setTimeout(() => {
        this.fileTimers.delete(path);
        this.rereading++;
        void this.reread(path).finally(() => {
          this.rereading--;
          this.quiet.fire();
        });
      }, FILE_DEBOUNCE_MS),
    );
  }

  private async reread(path: string): Promise<void> {
    this.versions.set(path, (this.versions.get(path) ?? 0) + 1);
    let found: DiscoveredFile | undefined;
    try {
      found = await discoverFile(path, this.folder.uri.fsPath, this.inis);
    } catch {
      found = undefined; // deleted between the event and the read
    }
    const before = this.files.get(path);
    if (found) this.files.set(path, found);
    else this.files.delete(path);
    this.render();
    const ini = found?.ini ?? before?.ini;
    if (ini) this.collector.schedule(ini);
    this.changeEmitter.fire([path]);
  }

  /** The tree from the static read, with each file replaced by pytest's view when that is as fresh. */
  /** Shows the static read corrected by pytest's collections; returns the ms VS Code spent on the items. */
  private render(): number {
    const views = reconcile({
      workspace: this.folder.uri.fsPath,
      include: this.include,
      files: this.files.values(),
      collections: this.collector.collections,
      fresh: (f, ini) =>
        this.collector.collections.get(ini)?.versions.get(f.fileId) === (this.versions.get(f.path) ?? 0),
      removedSince: (path, fileId, ini) => {
        const version = this.versions.get(path);
        return version !== undefined && this.collector.collections.get(ini)?.versions.get(fileId) !== version;
      },
    });
    const needsComponent = this.settings.get('tests.needsComponent');
    return syncTree(this.controller, this.folder.uri.fsPath, views, needsComponent);
  }

  dispose(): void {
    for (const t of this.fileTimers.values()) clearTimeout(t);
    this.testFiles?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
