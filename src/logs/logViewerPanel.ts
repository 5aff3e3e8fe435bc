import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { waitFor } from '../core/cancel';
import { Emitter } from '../core/events';
import type { Logger } from '../core/logger';
import type { LogStore } from '../core/logs/logStore';
import { stripAnsi } from '../core/logs/ansi';
import { viewerHtml } from './viewerHtml';
import { defaultState } from './viewerState';
import { sourceLabel } from './sourceLabel';
import { scopeQuery, ViewerFeed } from './viewerFeed';
import {
  parseWebviewMessage,
  VIEW_TYPE,
  type FollowTarget,
  type HostMessage,
  type ViewerScope,
  type ViewerState,
  type WebviewMessage,
} from './viewerProtocol';

/** What `Commands.openLogViewer` takes: a time window (epoch ms), sources, a title, a text filter. */
export interface OpenLogViewerArgs {
  from?: number;
  to?: number;
  title?: string;
  sources?: string[];
  text?: string;
  /** Opens at this line (its seq in the store) rather than following the last. */
  revealSeq?: number;
}

export type RenderedReport = Extract<WebviewMessage, { type: 'rendered' }>;

/**
 * The log viewer panel's host side: its scope and state, the page's requests (copy, save, clear),
 * and its lifecycle. The store's lines reach the page through a ViewerFeed, batched and bounded.
 * The webview holds no state the store cannot rebuild: on load it says `ready` and gets a fresh
 * snapshot.
 */
export class LogViewerPanel implements vscode.Disposable {
  private state: ViewerState;
  private readonly feed: ViewerFeed;
  private ready = false;
  private reportId = 0;
  private readonly reports = new Emitter<RenderedReport>();
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
    /** Keeps a copy of every new state outside the webview (the extension's workspace storage). */
    private readonly remember: (state: ViewerState) => void = () => undefined,
  ) {
    this.state = state;
    this.onDidDispose = this.disposeEmitter.event;
    this.feed = new ViewerFeed(
      store,
      () => this.ready && !this.disposed && this.panel.visible,
      (m) => this.post(m),
    );
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
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.feed.schedule();
      }),
      panel.onDidDispose(() => this.dispose()),
      store.onLines((lines) => this.feed.add(lines, this.state.scope)),
    );
  }

  get viewerState(): ViewerState {
    return this.state;
  }

  /** Shows the panel with a new scope (a test's window, some sources) or, without arguments, live and unfiltered. */
  open(args: OpenLogViewerArgs = {}): void {
    const { from, to, sources, title, revealSeq } = args;
    const scope: ViewerScope = { from, to, sources, title, revealSeq };
    this.setState({
      ...this.state,
      scope,
      filter: { ...this.state.filter, text: args.text ?? '' },
      follow: to === undefined && revealSeq === undefined,
    });
    this.updateTitle();
    this.resend();
    this.panel.reveal(undefined, false);
  }

  /** Asks the page what it rendered (the test reads rows back through this). */
  requestRendered(timeoutMs = 10_000): Promise<RenderedReport> {
    const id = ++this.reportId;
    const report = waitFor(this.reports.event, timeoutMs, undefined, { until: (r) => r.id === id });
    void this.post({ type: 'report', id });
    return report.catch(() => {
      throw new Error(`the log viewer did not answer within ${timeoutMs} ms (ready: ${this.ready})`);
    });
  }

  setFilter(filter: ViewerState['filter']): void {
    this.setState({ ...this.state, filter });
    void this.post({ type: 'setFilter', filter });
  }

  /** Scrolls the page's virtual list to its first or last line (the tests read what it shows then). */
  scrollTo(where: 'top' | 'bottom'): void {
    void this.post({ type: 'scrollTo', where });
  }

  /** What the window follows now; kept in the panel's state so a reload follows it again. */
  recordFollows(follows: readonly FollowTarget[]): void {
    this.setState({ ...this.state, follows: [...follows] });
  }

  setLayout(layout: ViewerState['layout']): void {
    this.setState({ ...this.state, layout });
    void this.post({ type: 'setLayout', layout });
  }

  /** Lines queued but not yet sent (bounded, see ViewerFeed). */
  get backlog(): number {
    return this.feed.backlog;
  }

  /** Every message from the page is checked first: a malformed one is dropped and logged, never acted on. */
  private receive(raw: unknown): void {
    const m = parseWebviewMessage(raw);
    if (!m) {
      this.logger.warn(`log viewer: dropped a malformed message from the page: ${describeRaw(raw)}`);
      return;
    }
    this.onMessage(m).catch((e: unknown) =>
      this.logger.error(`log viewer: handling "${m.type}" failed: ${(e as Error).message}`),
    );
  }

  private async onMessage(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.resend();
        return;
      case 'state':
        // The page owns what it shows; what the window follows is the host's to say.
        this.setState({ ...m.state, follows: this.state.follows });
        return;
      case 'clear':
        this.setState({ ...this.state, scope: { ...this.state.scope, afterSeq: this.store.lastSeq() } });
        this.feed.drop();
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(`Copied ${m.lines} log line${m.lines === 1 ? '' : 's'}`, 3000);
        return;
      case 'save':
        await this.save();
        return;
      case 'rendered':
        this.reports.fire(m);
        return;
    }
  }

  private async save(): Promise<void> {
    const lines = this.store.query({ ...scopeQuery(this.state.scope), ...this.state.filter });
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
    this.feed.restart(this.state);
  }

  /** Every change of the state goes through here: stamped, and remembered outside the webview. */
  private setState(state: ViewerState): void {
    this.state = { ...state, savedAt: Math.max(Date.now(), state.savedAt ?? 0) };
    this.remember(this.state);
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
    this.feed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }

  static create(
    extensionUri: vscode.Uri,
    store: LogStore,
    logger: Logger,
    remember?: (state: ViewerState) => void,
  ): LogViewerPanel {
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Logs', vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    return new LogViewerPanel(panel, extensionUri, store, logger, defaultState(), remember);
  }
}

/** A short, safe description of a message that failed its checks (its type and size, never its whole text). */
function describeRaw(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = Object.prototype.toString.call(raw);
  }
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text;
}
