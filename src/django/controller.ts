import * as vscode from 'vscode';
import { CancelledError, CancelSource, type CancelToken } from '../core/cancel';
import type { Logger } from '../core/logger';
import type { LaunchWrap } from '../core/django/launch';
import { explainProblem } from '../core/django/diagnose';
import { DjangoServer, DjangoStartError, type DjangoCrash, type DjangoReady } from '../core/django/server';
import type { DjangoState, SharedDjango } from '../core/django/types';
import type { ModeChoice } from '../core/django/mode';
import { freePortForSession, SessionPortBusyError } from '../core/django/sessionPort';
import { djangoFolder, readLaunch, runSettings } from './config';
import type { DjangoModeTracker } from './modeTracker';
import type { DjangoLogFile } from './logFile';
import { windowPrompts, type DjangoPrompts } from './prompts';
import { SessionRun } from './sessionRun';
import type { DjangoStatusBar } from './statusBar';
import type { DjangoTerminal } from './terminal';

interface StartRequest {
  /** Stop a running server first. */
  restart?: boolean;
  token?: CancelToken;
  /** Changes the start command (the debugger wraps it in debugpy). */
  wrap?: LaunchWrap;
}

/**
 * The managed Django for this window: starts it with progress and prompts, hands it to test runs,
 * and turns failures into messages. Also the `django` field of the extension's API.
 */
export class DjangoController implements SharedDjango, vscode.Disposable {
  /** Replace to answer the prompts without a person (extension-host tests). */
  prompts: DjangoPrompts = windowPrompts;
  /** codespaceTests.django.logFile, followed into the log store (session mode's Django lines). */
  logFile: DjangoLogFile | undefined;
  /** Session mode around a run: the status bar's session Django, the refused-port check and its retry. */
  private readonly session: SessionRun;
  /** The managed server runs with a run's changed command (the Coverage profile's) until restoreAfterRun. */
  private wrappedForRun = false;

  constructor(
    readonly server: DjangoServer,
    readonly terminal: DjangoTerminal,
    readonly statusBar: DjangoStatusBar,
    private readonly logger: Logger,
    readonly mode: DjangoModeTracker,
  ) {
    this.session = new SessionRun(statusBar, logger);
  }

  get state(): DjangoState {
    return this.server.state;
  }

  /** Ready (started, joined or already up); throws a user-facing error or a CancelledError. */
  async start(req: StartRequest = {}): Promise<DjangoReady> {
    if (!req.restart && this.server.state.kind === 'ready' && this.server.readyInfo)
      return this.server.readyInfo;
    const launch = await readLaunch();
    // The key is for shared mode: a session that owns Django fetches its own.
    if ((this.mode.current ?? (await this.mode.choose())).mode === 'session') launch.apiKey = undefined;
    this.terminal.open();
    const ready = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: req.restart ? 'Restarting Django…' : 'Starting Django…',
        cancellable: true,
      },
      (_progress, progressToken) => {
        const source = linked(req.token, progressToken);
        const opts = {
          token: source.token,
          wrap: req.wrap,
          onPortBusy: this.prompts.portConflict.bind(this.prompts),
        };
        const p = req.restart ? this.server.restart(launch, opts) : this.server.start(launch, opts);
        return p.finally(() => source.dispose());
      },
    );
    await this.offerMigrate(ready);
    return ready;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** For the commands: never throws; says what went wrong and offers the terminal. */
  async startCommand(restart = false): Promise<DjangoState> {
    try {
      const ready = await this.start({ restart });
      if (ready.apiKeyFailure)
        this.showError(`Django is up, but its API key is missing. ${ready.apiKeyFailure.message}`);
    } catch (e) {
      this.report(e);
    }
    return this.server.state;
  }

  async stopCommand(): Promise<DjangoState> {
    try {
      await this.server.stop();
    } catch (e) {
      this.report(e);
    }
    return this.server.state;
  }

  showTerminal(): void {
    this.terminal.open(true, false);
  }

  // --- SharedDjango: what a test run needs.

  async prepareForTestRun(
    token?: CancelToken,
    inis?: readonly string[],
    opts: { fresh?: boolean; wrap?: LaunchWrap } = {},
  ): Promise<Record<string, string> | undefined> {
    const choice = await this.mode.choose(inis);
    if (choice.mode === 'session') return this.prepareSessionRun(choice);
    const run = runSettings(djangoFolder());
    const state = this.server.state.kind;
    const fresh = opts.fresh || run.restartBeforeEachRun;
    if (opts.wrap) {
      if (state === 'ready' && this.server.readyInfo?.external)
        throw new Error(
          `Django at ${this.server.readyInfo.url} was not started by the extension, so it cannot be restarted under coverage.py. Stop it, then run again: the extension starts its own.`,
        );
      this.wrappedForRun = true;
      await this.start({ restart: state !== 'stopped', token, wrap: opts.wrap });
    } else if (state === 'ready' && fresh && !this.server.readyInfo?.external) {
      await this.start({ restart: true, token });
    } else if (state !== 'ready' && state !== 'starting' && !run.autoStart) {
      return undefined;
    } else {
      await this.start({ token });
    }
    const ready = this.server.readyInfo;
    if (!ready)
      throw new Error('Django stopped before the test run could use it. Start it again with "Start Django".');
    if (ready.apiKeyFailure) {
      // The run goes on without the key: a session that does not need it still passes.
      const failure = ready.apiKeyFailure;
      const message = `Django is up at ${ready.url}, but its API key is missing, so the tests run without ${run.apiKeyEnvVar}. ${failure.message}`;
      this.logger.warn(`${message}\n${failure.output.join('\n')}`);
      this.prompts.notify(
        'warning',
        `${message}${failure.output.length ? `\n${failure.output.join('\n')}` : ''}`,
      );
    }
    return { [run.urlEnvVar]: ready.url, ...(ready.apiKey ? { [run.apiKeyEnvVar]: ready.apiKey } : {}) };
  }

  /** The server that prepareForTestRun started with `wrap` (under coverage.py) is restarted as configured. */
  async restoreAfterRun(): Promise<void> {
    if (!this.wrappedForRun) return;
    this.wrappedForRun = false;
    await this.server.stop();
    this.start({ restart: true }).catch((e: unknown) =>
      this.logger.warn(`Django did not start again after the coverage run: ${(e as Error).message}`),
    );
  }

  /**
   * Session mode: the session starts its own Django, so no Django variables are passed and the port must
   * be free. Our own server is stopped (and we say so); another process gets the port-conflict prompt.
   */
  private async prepareSessionRun(choice: ModeChoice): Promise<Record<string, string>> {
    this.mode.offerSharing(choice);
    const s = runSettings(djangoFolder());
    const kind = this.server.state.kind;
    if (kind !== 'stopped') {
      const ours = (kind === 'ready' || kind === 'starting') && !this.server.readyInfo?.external;
      await this.server.stop();
      if (ours) {
        const message = `Stopped the managed Django: in session mode the test session starts its own Django on port ${s.port}.`;
        this.logger.info(message);
        this.prompts.notify('info', message);
      }
    }
    const result = await freePortForSession({
      host: s.host,
      port: s.port,
      ask: (c) => this.prompts.sessionPortConflict(c),
      note: (text) => this.logger.info(text),
    });
    if (result.kind === 'busy') throw new SessionPortBusyError(result.message);
    if (result.kind === 'freed')
      this.logger.info(`Port ${s.port} is free again (pid ${result.owner.pid} was killed).`);
    this.session.begin({
      host: s.host,
      port: s.port,
      lingeringAtStart: result.kind === 'free' ? result.lingering : 0,
    });
    return {};
  }

  async explainRefusedPort(
    failureTexts: readonly string[],
    retry: () => Promise<unknown>,
  ): Promise<string | undefined> {
    if (this.mode.current?.mode !== 'session') return undefined;
    const refusal = await this.session.findRefusal(failureTexts);
    if (!refusal) return undefined;
    this.logger.warn(refusal.message);
    void this.session.offerRetry(refusal, this.prompts, retry);
    return refusal.message;
  }

  runEnded(): void {
    this.session.end();
  }

  onCrash(listener: (crash: DjangoCrash) => void): { dispose(): void } {
    return this.server.onCrash(listener);
  }

  /** Unapplied migrations: ask; when the key failed because of them, the answer is awaited. */
  private async offerMigrate(ready: DjangoReady): Promise<void> {
    const problem = ready.problems.find((p) => p.kind === 'unappliedMigrations');
    if (!problem) return;
    const ask = async () => {
      if (!(await this.prompts.runMigrations(explainProblem(problem, '')))) return;
      const result = await this.server.migrate();
      if (result.ok) void vscode.window.showInformationMessage(`Django: ${result.message}`);
      else this.showError(result.message);
    };
    if (ready.apiKeyFailure) await ask();
    else void ask();
  }

  private report(e: unknown): void {
    if (e instanceof CancelledError) return;
    if (e instanceof DjangoStartError && e.failure === 'cancelled') return;
    const message = e instanceof Error ? e.message : String(e);
    this.logger.error(message);
    this.showError(message);
  }

  private showError(message: string): void {
    const show = 'Show Django Terminal';
    void vscode.window.showErrorMessage(message, show).then((a) => a === show && this.showTerminal());
  }

  dispose(): void {
    this.session.dispose();
    this.server.dispose();
  }
}

/** One token cancelled by either of two. */
function linked(a: CancelToken | undefined, b: CancelToken): CancelSource & { dispose(): void } {
  const source = new CancelSource();
  const subs = [
    a?.onCancellationRequested(() => source.cancel()),
    b.onCancellationRequested(() => source.cancel()),
  ];
  if (a?.isCancellationRequested || b.isCancellationRequested) source.cancel();
  return Object.assign(source, { dispose: () => subs.forEach((s) => s?.dispose()) });
}
