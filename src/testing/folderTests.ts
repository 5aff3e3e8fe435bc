import * as vscode from 'vscode';
import { join } from 'node:path';
import type { Logger } from '../core/log';
import { CancelSource } from '../core/cancel';
import { collectionFromEvents, indexNodes, nodesFromCollection } from '../core/pytest/collection';
import {
  discoverFile,
  discoverFolder,
  IniCache,
  toPosix,
  type DiscoveredFile,
} from '../core/pytest/discovery';
import { buildPytestLaunch, resolveLaunchInputs } from '../core/pytest/launch';
import type { TestNode } from '../core/pytest/staticReader';
import { runPytestSession, stripAnsi } from '../core/pytest/session';
import { FolderSettings } from '../settings';
import { pythonInterpreter } from './interpreter';
import { syncTree, type FileView } from './treeSync';

/** pytest's collection of one rootdir, and the file versions it saw. */
interface Collection {
  byFile: Map<string, TestNode[]>;
  errors: Map<string, { message: string; line: number | null }>;
  versions: Map<string, number>;
}

const FILE_DEBOUNCE_MS = 300;
const COLLECT_DEBOUNCE_MS = 1000;
const COLLECT_TIMEOUT_MS = 120_000;

/**
 * The tests of one workspace folder: the static read at once, pytest's collection in the background,
 * kept current as files are saved, created, renamed and deleted.
 */
export class FolderTests implements vscode.Disposable {
  private readonly files = new Map<string, DiscoveredFile>();
  private readonly versions = new Map<string, number>();
  private readonly collections = new Map<string, Collection>();
  private readonly inis = new IniCache();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly fileTimers = new Map<string, NodeJS.Timeout>();
  private readonly collectTimers = new Map<string, NodeJS.Timeout>();
  private readonly collecting = new Map<string, CancelSource>();
  private readonly changeEmitter = new vscode.EventEmitter<string[]>();
  private pendingCollections = new Set<Promise<void>>();
  private discovered: Promise<void> = Promise.resolve();
  /** Files changed on disk (absolute paths), after their part of the tree is updated: for continuous runs. */
  readonly onFilesChanged = this.changeEmitter.event;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly controller: vscode.TestController,
    private readonly logger: Logger,
    private readonly logFallback: (message: string) => void,
  ) {
    this.disposables.push(this.changeEmitter);
    this.watch();
  }

  get settings(): FolderSettings {
    return new FolderSettings(this.folder);
  }

  /** Static read of the whole folder, then pytest's collection in the background. */
  refresh(): Promise<void> {
    this.discovered = (async () => {
      this.inis.forget();
      const t = Date.now();
      const found = await discoverFolder(
        this.folder.uri.fsPath,
        this.settings.get('tests.include'),
        this.inis,
      );
      this.files.clear();
      for (const f of found) this.files.set(f.path, f);
      this.render();
      this.logger.info(`${this.folder.name}: ${found.length} test file(s) read in ${Date.now() - t} ms`);
      await this.collectAll();
    })().catch((e) =>
      this.logger.error(`Test discovery in ${this.folder.name} failed: ${(e as Error).message}`),
    );
    return this.discovered;
  }

  /** Resolves when the last refresh and every collection it started have finished. */
  async settled(): Promise<void> {
    await this.discovered;
    while (this.pendingCollections.size || this.collectTimers.size || this.fileTimers.size) {
      await Promise.all([...this.pendingCollections]);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Every file currently shown, for the run path (its ini, rootdir and problem). */
  fileFor(path: string): DiscoveredFile | undefined {
    return this.files.get(path);
  }

  private watch(): void {
    const include = new vscode.RelativePattern(this.folder, this.settings.get('tests.include'));
    const tests = vscode.workspace.createFileSystemWatcher(include);
    const onFile = (uri: vscode.Uri) => this.fileChanged(uri.fsPath);
    tests.onDidChange(onFile, undefined, this.disposables);
    tests.onDidCreate(onFile, undefined, this.disposables);
    tests.onDidDelete(onFile, undefined, this.disposables);
    const inis = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(this.folder, '**/pytest.ini'),
    );
    const onIni = () => void this.refresh();
    inis.onDidChange(onIni, undefined, this.disposables);
    inis.onDidCreate(onIni, undefined, this.disposables);
    inis.onDidDelete(onIni, undefined, this.disposables);
    this.disposables.push(tests, inis);
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
    if (ini) this.scheduleCollection(ini);
    this.changeEmitter.fire([path]);
  }

  private scheduleCollection(ini: string): void {
    if (!this.settings.get('tests.collectWithPytest')) return;
    clearTimeout(this.collectTimers.get(ini));
    this.collectTimers.set(
      ini,
      setTimeout(() => {
        this.collectTimers.delete(ini);
        this.track(this.collect(ini));
      }, COLLECT_DEBOUNCE_MS),
    );
  }

  private track(p: Promise<void>): Promise<void> {
    this.pendingCollections.add(p);
    void p.finally(() => this.pendingCollections.delete(p));
    return p;
  }

  private async collectAll(): Promise<void> {
    if (!this.settings.get('tests.collectWithPytest')) return;
    const inis = [...new Set([...this.files.values()].filter((f) => f.ini && !f.problem).map((f) => f.ini!))];
    if (!inis.length) return;
    await vscode.window.withProgress(
      { location: { viewId: 'workbench.view.testing' }, title: 'Collecting integration tests with pytest' },
      () => Promise.all(inis.map((ini) => this.track(this.collect(ini)))),
    );
  }

  /** Runs `pytest --collect-only` with the plugin for one pytest.ini and merges what it reports. */
  private async collect(ini: string): Promise<void> {
    this.collecting.get(ini)?.cancel();
    const source = new CancelSource();
    this.collecting.set(ini, source);
    const timer = setTimeout(() => source.cancel(), COLLECT_TIMEOUT_MS);
    const versions = new Map(
      [...this.files.values()]
        .filter((f) => f.ini === ini)
        .map((f) => [f.fileId, this.versions.get(f.path) ?? 0]),
    );
    const busy = this.rootItem(ini);
    if (busy) busy.busy = true;
    try {
      const iniResult = await this.inis.get(ini);
      if (iniResult.kind !== 'ok') return;
      const s = this.settings;
      const interpreter = await pythonInterpreter(this.folder, this.logger);
      const { base, envFile } = await resolveLaunchInputs({
        command: s.get('tests.command'),
        interpreter,
        extraArgs: [],
        env: s.get('tests.env'),
        envFile: s.get('tests.envFile'),
        cwd: s.get('tests.cwd'),
      });
      if (base.fallback) this.logFallback(base.fallback);
      const testpaths = iniResult.rules.testpaths.map((p) => join(iniResult.rootdir, p));
      const launch = buildPytestLaunch({
        base,
        mode: 'collect',
        ini,
        collectPaths: testpaths,
        extraArgs: [],
        cwd: s.get('tests.cwd'),
        baseEnv: process.env,
        envFile,
        settingsEnv: s.get('tests.env'),
        pluginDir: join(__dirname, 'python'),
      });
      this.logger.info(`Collecting: ${launch.display}`);
      const t = Date.now();
      const session = await runPytestSession(launch, { token: source.token, logger: this.logger });
      if (source.token.isCancellationRequested) return;
      const result = collectionFromEvents(session.events);
      if (!session.connected) {
        this.logger.warn(
          `pytest --collect-only for ${ini} gave no results; the tree keeps the static read. ${session.problem ?? ''}`,
        );
        return;
      }
      const staticNodes = new Map<string, TestNode>();
      for (const f of this.files.values()) if (f.ini === ini) indexNodes(f.tests, staticNodes);
      const errors = new Map<string, { message: string; line: number | null }>();
      for (const e of result.errors) errors.set(e.nodeid, { message: stripAnsi(e.message), line: e.line });
      this.collections.set(ini, { byFile: nodesFromCollection(result.tests, staticNodes), errors, versions });
      this.logger.info(
        `${ini}: pytest collected ${result.tests.length} test(s), ${errors.size} error(s) in ${Date.now() - t} ms`,
      );
      this.render();
    } catch (e) {
      this.logger.warn(
        `pytest --collect-only for ${ini} failed: ${(e as Error).message}; the tree keeps the static read.`,
      );
    } finally {
      clearTimeout(timer);
      if (this.collecting.get(ini) === source) this.collecting.delete(ini);
      if (busy) busy.busy = false;
    }
  }

  private rootItem(ini: string): vscode.TestItem | undefined {
    let found: vscode.TestItem | undefined;
    this.controller.items.forEach((i) => {
      if (i.id === `dir:${join(ini, '..')}`) found = i;
    });
    return found;
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
      const c = f.ini ? this.collections.get(f.ini) : undefined;
      const fresh =
        c && c.versions.has(f.fileId) && c.versions.get(f.fileId) === (this.versions.get(f.path) ?? 0);
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
    // pytest may know files the static read does not (a conftest hook generating tests): show them too.
    for (const [ini, c] of this.collections) {
      for (const [fileId, tests] of c.byFile) {
        const path = join(ini, '..', fileId);
        if (!this.files.has(path))
          views.push({ path, ini, rootdir: join(ini, '..'), fileId: toPosix(fileId), tests });
      }
    }
    syncTree(this.controller, this.folder.uri.fsPath, views);
  }

  dispose(): void {
    for (const t of [...this.fileTimers.values(), ...this.collectTimers.values()]) clearTimeout(t);
    for (const s of this.collecting.values()) s.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
