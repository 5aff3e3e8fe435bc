import * as vscode from 'vscode';
import { join } from 'node:path';
import { CancelSource } from '../core/cancel';
import { Emitter } from '../core/events';
import type { Logger } from '../core/logger';
import type { DiscoveredFile, IniCache } from '../core/pytest/discovery';
import { collectRootdir } from '../core/pytest/headless';
import type { RootdirCollection } from '../core/pytest/reconcile';
import { FolderSettings } from '../settings';
import { folderLaunchSettings } from './interpreter';

/** pytest's collection of one rootdir, and the file versions it saw. */
interface Collection extends RootdirCollection {
  /** By file id: the version of each file when the collection started; older than the static read means stale. */
  versions: Map<string, number>;
}

/** What the collector needs from the folder whose tests it corrects. */
interface CollectorHost {
  folder: vscode.WorkspaceFolder;
  logger: Logger;
  logFallback: (message: string) => void;
  inis: IniCache;
  /** The files of the static read governed by `ini`, and the version of each. */
  filesOf(ini: string): { file: DiscoveredFile; version: number }[];
  /** The tree item to show busy while `ini` is collected. */
  rootItem(ini: string): vscode.TestItem | undefined;
  /** A collection finished with new results. */
  collected(): void;
}

const COLLECT_DEBOUNCE_MS = 1000;
const COLLECT_TIMEOUT_MS = 120_000;

/** `pytest --collect-only` with the extension's plugin, per pytest.ini, in the background; the latest one wins. */
export class PytestCollector implements vscode.Disposable {
  readonly collections = new Map<string, Collection>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, CancelSource>();
  private readonly pending = new Set<Promise<void>>();
  private readonly idle = new Emitter<void>();

  constructor(private readonly host: CollectorHost) {}

  private get enabled(): boolean {
    return new FolderSettings(this.host.folder).get('tests.collectWithPytest');
  }

  /** Whether a collection is running or about to. */
  get busy(): boolean {
    return this.pending.size > 0 || this.timers.size > 0;
  }

  /** Fires when the last collection running or scheduled has finished. */
  readonly onIdle = this.idle.event;

  /** Collects every pytest.ini now, with progress in the Testing view. */
  async collectAll(inis: readonly string[]): Promise<void> {
    if (!this.enabled || !inis.length) return;
    await vscode.window.withProgress(
      { location: { viewId: 'workbench.view.testing' }, title: 'Collecting integration tests with pytest' },
      () => Promise.all(inis.map((ini) => this.track(this.collect(ini)))),
    );
  }

  /** Collects one pytest.ini again after a file it governs changed (debounced). */
  schedule(ini: string): void {
    if (!this.enabled) return;
    clearTimeout(this.timers.get(ini));
    this.timers.set(
      ini,
      setTimeout(() => {
        this.timers.delete(ini);
        void this.track(this.collect(ini));
      }, COLLECT_DEBOUNCE_MS),
    );
  }

  private track(p: Promise<void>): Promise<void> {
    this.pending.add(p);
    void p.finally(() => {
      this.pending.delete(p);
      if (!this.busy) this.idle.fire();
    });
    return p;
  }

  private async collect(ini: string): Promise<void> {
    const { logger } = this.host;
    this.running.get(ini)?.cancel();
    const source = new CancelSource();
    this.running.set(ini, source);
    const timer = setTimeout(() => source.cancel(), COLLECT_TIMEOUT_MS);
    const files = this.host.filesOf(ini);
    const versions = new Map(files.map(({ file, version }) => [file.fileId, version]));
    const busy = this.host.rootItem(ini);
    if (busy) busy.busy = true;
    try {
      const iniResult = await this.host.inis.get(ini);
      if (iniResult.kind !== 'ok') return;
      const t = Date.now();
      const outcome = await collectRootdir({
        ini,
        iniResult,
        settings: await folderLaunchSettings(this.host.folder, logger),
        files: files.map(({ file }) => file),
        pluginDir: join(__dirname, 'python'),
        token: source.token,
        logger,
        onLaunch: (launch, fallback) => {
          if (fallback) this.host.logFallback(fallback);
          logger.info(`Collecting: ${launch.display}`);
        },
      });
      if (outcome.kind === 'cancelled') return;
      if (outcome.kind === 'failed') {
        logger.warn(`${outcome.problem} The tree keeps the static read.`);
        return;
      }
      this.collections.set(ini, { ...outcome.collection, versions });
      logger.info(
        `${ini}: pytest collected ${outcome.tests} test(s), ${outcome.errors} error(s) in ${Date.now() - t} ms`,
      );
      this.host.collected();
    } catch (e) {
      logger.warn(
        `pytest --collect-only for ${ini} failed: ${(e as Error).message}; the tree keeps the static read.`,
      );
    } finally {
      clearTimeout(timer);
      if (this.running.get(ini) === source) this.running.delete(ini);
      if (busy) busy.busy = false;
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.running.values()) s.cancel();
  }
}
