import * as vscode from 'vscode';
import { join, relative } from 'node:path';
import type { Logger } from '../core/log';
import {
  discoverFile,
  discoverFolder,
  IniCache,
  includedTestFiles,
  toPosix,
  type DiscoveredFile,
} from '../core/pytest/discovery';
import { compileGlob } from '../core/pytest/glob';
import { ConfigSection } from '../ids';
import { FolderSettings, onSettingsChanged } from '../settings';
import { PytestCollector } from './pytestCollector';
import { syncTree, type FileView } from './treeSync';

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
  /** Counts refreshes, so a slow read started before a newer one cannot overwrite it. */
  private generation = 0;
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
    this.disposables.push(this.changeEmitter, this.collector, this.watchInis(), this.watchSettings());
    this.watchTestFiles();
  }

  get settings(): FolderSettings {
    return new FolderSettings(this.folder);
  }

  /** Static read of the whole folder, then pytest's collection in the background. */
  refresh(): Promise<void> {
    const generation = ++this.generation;
    this.discovered = (async () => {
      this.inis.forget();
      const t = Date.now();
      const found = await discoverFolder(this.folder.uri.fsPath, this.include, this.inis);
      if (generation !== this.generation) return;
      this.files.clear();
      for (const f of found) this.files.set(f.path, f);
      this.render();
      this.logger.info(`${this.folder.name}: ${found.length} test file(s) read in ${Date.now() - t} ms`);
      const inis = new Set([...this.files.values()].filter((f) => f.ini && !f.problem).map((f) => f.ini!));
      await this.collector.collectAll([...inis]);
    })().catch((e) =>
      this.logger.error(`Test discovery in ${this.folder.name} failed: ${(e as Error).message}`),
    );
    return this.discovered;
  }

  /** Resolves when the last refresh and every collection it started have finished. */
  async settled(): Promise<void> {
    await this.discovered;
    while (this.collector.busy || this.fileTimers.size) {
      await this.collector.idle();
      await new Promise((r) => setTimeout(r, 50));
    }
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
    });
  }

  /** A test file was saved, created or deleted: re-read it alone, debounced. */
  fileChanged(path: string): void {
    clearTimeout(this.fileTimers.get(path));
    this.fileTimers.set(
      path,
      setTimeout(() => {
        this.fileTimers.delete(path);
        void this.reread(path);
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
  private render(): void {
    const views: FileView[] = [];
    for (const f of this.files.values()) {
      const view: FileView = {
        path: f.path,
        ini: f.ini,
        rootdir: f.rootdir,
        fileId: f.fileId,
        tests: f.tests,
        error: f.problem,
      };
      const c = f.ini ? this.collector.collections.get(f.ini) : undefined;
      const fresh = c?.versions.get(f.fileId) === (this.versions.get(f.path) ?? 0);
      if (c && fresh) {
        const error = c.errors.get(f.fileId);
        if (error) {
          view.error = error.line ? `line ${error.line}: ${error.message}` : error.message;
        } else {
          const collected = c.byFile.get(f.fileId);
          // pytest collected nothing here: every test in it is deselected (or it holds none).
          if (!collected) continue;
          view.tests = collected;
        }
      }
      views.push(view);
    }
    // pytest may know files the static read does not (a conftest hook generating tests): show them too,
    // unless they are Python files outside the include pattern, which the person left out on purpose.
    const included = compileGlob(this.include);
    const root = this.folder.uri.fsPath;
    for (const [ini, c] of this.collector.collections) {
      for (const [fileId, tests] of c.byFile) {
        const path = join(ini, '..', fileId);
        if (this.files.has(path)) continue;
        if (path.endsWith('.py') && !included.test(toPosix(relative(root, path)))) continue;
        views.push({ path, ini, rootdir: join(ini, '..'), fileId: toPosix(fileId), tests });
      }
    }
    syncTree(this.controller, root, views);
  }

  dispose(): void {
    for (const t of this.fileTimers.values()) clearTimeout(t);
    this.testFiles?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
