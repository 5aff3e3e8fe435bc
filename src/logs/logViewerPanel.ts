import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import type { Logger } from '../core/log';
import type { LogLine, LogStore } from '../core/logs/logStore';
import { stripAnsi } from '../core/logs/ansi';
import { viewerHtml } from './viewerHtml';
import { sourceLabel } from './sourceLabel';
import {
  VIEW_TYPE,
  type HostMessage,
  type ViewerScope,
  type ViewerState,
  type WebviewMessage,
  type WireLines,
} from './viewerProtocol';

/** What `Commands.openLogViewer` takes: a time window (epoch ms), sources, a title, a text filter. */
export interface OpenLogViewerArgs {
  from?: number;
  to?: number;
  title?: string;
  sources?: string[];
  text?: string;
}

export type RenderedReport = Extract<WebviewMessage, { type: 'rendered' }>;

/** Lines per message to the webview, and how many may wait while it is hidden or slow. */
const CHUNK = 20_000;
const MAX_PENDING = 200_000;
const FLUSH_MS = 100;

export function defaultState(): ViewerState {
  return {
    scope: {},
    filter: { text: '', regex: false, caseSensitive: false, levels: [] },
    layout: 'merged',
    follow: true,
  };
}

/**
 * The log viewer panel's host side: sends the store's lines in the panel's scope to the webview,
 * batched (one message per 100 ms, at most 20,000 lines each) and bounded (a hidden or slow view
 * keeps the newest 200,000 waiting, and is told how many it missed). The webview holds no state the
 * store cannot rebuild: on load it says `ready` and gets a fresh snapshot.
 */
export class LogViewerPanel implements vscode.Disposable {
  private state: ViewerState;
  private pending: LogLine[] = [];
  private skipped = 0;
  /** The snapshot covered every line up to this seq; the store's next batch may repeat some of them. */
  private snapshotSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private reportId = 0;
  private readonly reports = new Map<number, (r: RenderedReport) => void>();
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  readonly onDidDispose: vscode.Event<void>;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly store: LogStore,
    private readonly logger: Logger,
    state: ViewerState = defaultState(),
  ) {
    this.state = state;
    this.onDidDispose = this.disposeEmitter.event;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'out', 'media'),
        vscode.Uri.joinPath(extensionUri, 'media'),
      ],
    };
    panel.webview.html = viewerHtml(panel.webview, extensionUri);
    this.updateTitle();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.schedule();
      }),
      panel.onDidDispose(() => this.dispose()),
      store.onLines((lines) => this.onLines(lines)),
    );
  }

  get viewerState(): ViewerState {
    return this.state;
  }

  /** Shows the panel with a new scope (a test's window, some sources) or, without arguments, live and unfiltered. */
  open(args: OpenLogViewerArgs = {}): void {
    const scope: ViewerScope = { from: args.from, to: args.to, sources: args.sources, title: args.title };
    this.state = {
      ...this.state,
      scope,
      filter: { ...this.state.filter, text: args.text ?? '' },
      follow: args.to === undefined,
    };
    this.updateTitle();
    this.resend();
    this.panel.reveal(undefined, false);
  }

  /** Asks the page what it rendered (the test reads rows back through this). */
  requestRendered(timeoutMs = 10_000): Promise<RenderedReport> {
    const id = ++this.reportId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.reports.delete(id);
        reject(new Error(`the log viewer did not answer within ${timeoutMs} ms (ready: ${this.ready})`));
      }, timeoutMs);
      this.reports.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      void this.post({ type: 'report', id });
    });
  }

  setFilter(filter: ViewerState['filter']): void {
    this.state = { ...this.state, filter };
    void this.post({ type: 'setFilter', filter });
  }

  setLayout(layout: ViewerState['layout']): void {
    this.state = { ...this.state, layout };
    void this.post({ type: 'setLayout', layout });
  }

  /** Lines queued but not yet sent (bounded by MAX_PENDING). */
  get backlog(): number {
    return this.pending.length;
  }

  private async onMessage(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.resend();
        return;
      case 'state':
        this.state = m.state;
        return;
      case 'clear':
        this.state = { ...this.state, scope: { ...this.state.scope, afterSeq: this.store.lastSeq() } };
        this.pending = [];
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(`Copied ${m.lines} log line${m.lines === 1 ? '' : 's'}`, 3000);
        return;
      case 'save':
        await this.save();
        return;
      case 'rendered':
        this.reports.get(m.id)?.(m);
        this.reports.delete(m.id);
        return;
    }
  }

  private async save(): Promise<void> {
    const lines = this.store.query({ ...this.scopeQuery(), ...this.state.filter });
    const uri = await vscode.window.showSaveDialog({
      title: 'Save log lines',
      filters: { Log: ['log', 'txt'] },
      defaultUri: vscode.Uri.joinPath(
        vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()),
        'codespace-logs.log',
      ),
    });
    if (!uri) return;
    const text =
      lines
        .map(
          (l) =>
            `${new Date(l.time).toISOString()} [${sourceLabel(l.source)}${l.tag ? ' ' + l.tag : ''}] ${stripAnsi(l.text)}`,
        )
        .join('\n') + '\n';
    try {
      await fs.writeFile(uri.fsPath, text);
      void vscode.window.showInformationMessage(
        `Saved ${lines.length} log line${lines.length === 1 ? '' : 's'} to ${uri.fsPath}.`,
      );
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Could not save the log to ${uri.fsPath}: ${(e as Error).message}. Pick another place.`,
      );
    }
  }

  /** Starts the page over with the current scope: a reset, then the store's lines in chunks. */
  private resend(): void {
    if (!this.ready) return;
    this.pending = this.store.query(this.scopeQuery());
    this.snapshotSeq = this.store.lastSeq();
    this.skipped = 0;
    if (this.pending.length > MAX_PENDING) {
      this.skipped = this.pending.length - MAX_PENDING;
      this.pending = this.pending.slice(this.skipped);
    }
    void this.post({ type: 'reset', state: this.state });
    this.flushSoon(0);
  }

  private onLines(lines: readonly LogLine[]): void {
    const { sources, from, to, afterSeq } = this.state.scope;
    for (const l of lines) {
      if (l.seq <= this.snapshotSeq) continue;
      if (sources && !sources.includes(l.source)) continue;
      if (from !== undefined && l.time < from) continue;
      if (to !== undefined && l.time > to) continue;
      if (afterSeq !== undefined && l.seq <= afterSeq) continue;
      this.pending.push(l);
    }
    if (this.pending.length > MAX_PENDING) {
      const drop = this.pending.length - MAX_PENDING;
      this.skipped += drop;
      this.pending.splice(0, drop);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.pending.length) this.flushSoon(FLUSH_MS);
  }

  private flushSoon(ms: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private async flush(): Promise<void> {
    if (!this.ready || this.disposed || !this.panel.visible || !this.pending.length) return;
    const batch = this.pending.splice(0, CHUNK);
    const skipped = this.skipped;
    this.skipped = 0;
    await this.post({ type: 'lines', lines: toWire(batch), skipped: skipped || undefined });
    if (this.pending.length) this.flushSoon(0);
  }

  private scopeQuery() {
    const { sources, from, to, afterSeq } = this.state.scope;
    return { sources, from, to, afterSeq };
  }

  private updateTitle(): void {
    this.panel.title = this.state.scope.title ? `Logs: ${this.state.scope.title}` : 'Logs';
  }

  private async post(m: HostMessage): Promise<void> {
    if (this.disposed) return;
    try {
      await this.panel.webview.postMessage(m);
    } catch (e) {
      this.logger.debug(`log viewer message not delivered: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }

  static create(extensionUri: vscode.Uri, store: LogStore, logger: Logger): LogViewerPanel {
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Logs', vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    return new LogViewerPanel(panel, extensionUri, store, logger);
  }
}

function toWire(lines: readonly LogLine[]): WireLines {
  const index = new Map<string, number>();
  const w: WireLines = { seq: [], time: [], src: [], sources: [], level: [], tag: [], text: [] };
  for (const l of lines) {
    let i = index.get(l.source);
    if (i === undefined) {
      i = w.sources.length;
      index.set(l.source, i);
      w.sources.push(l.source);
    }
    w.seq.push(l.seq);
    w.time.push(l.time);
    w.src.push(i);
    w.level.push(l.level);
    w.tag.push(l.tag ?? null);
    w.text.push(l.text);
  }
  return w;
}
