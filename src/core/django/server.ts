import { Emitter } from '../events';
import { ChildProcess, describeExit, type Exit } from '../process/childProcess';
import type { Logger } from '../logger';
import type { LogStore } from '../logs/logStore';
import { fetchApiKey, type ApiKeyResult } from './apiKey';
import { describeServerExit } from './diagnose';
import type { CommandSpec, DjangoLaunch } from './launch';
import { DjangoOutput } from './serverOutput';
import { StartAttempt, type DjangoReady, type StartHost, type StartOptions } from './serverStart';
import type { DjangoState } from './types';

export type { PortConflict, PortDecision } from './conflict';
export { DjangoStartError, type StartFailure } from './diagnose';
export type { DjangoReady, StartOptions } from './serverStart';

export interface DjangoCrash {
  reason: string;
  lastLines: string[];
}

/**
 * The managed Django server: start (port check, spawn, health wait, API key; see StartAttempt), stop
 * (whole tree), crash detection. One start at a time; a second start joins the first; stop wins over a
 * start in progress.
 */
export class DjangoServer {
  private current: DjangoState = { kind: 'stopped' };
  private child: ChildProcess | undefined;
  private readonly live = new Set<ChildProcess>();
  private starting: Promise<DjangoReady> | undefined;
  private ready: DjangoReady | undefined;
  private launch: DjangoLaunch | undefined;
  /** Bumped by every start and stop, so a start that was overtaken notices at its next step. */
  private generation = 0;
  private readonly output: DjangoOutput;
  private readonly host: StartHost;
  private readonly stateChanged = new Emitter<DjangoState>();
  private readonly crashed = new Emitter<DjangoCrash>();

  constructor(
    private readonly logger: Logger,
    logStore?: LogStore,
    tailSize = 50,
  ) {
    this.output = new DjangoOutput(logger, logStore, tailSize);
    this.host = {
      logger,
      output: this.output,
      setState: (state) => this.setState(state),
      spawn: (spec, cwd) => {
        const child = this.spawn(spec, cwd, 'Django');
        this.child = child;
        void child.stopped.then((exit) => this.onExit(child, exit));
        return child;
      },
      release: (child) => {
        if (this.child === child) this.child = undefined;
      },
      stop: () => this.stop(),
      keepReady: (ready, key) => {
        this.ready = ready;
        if (key) this.applyKey(key);
      },
    };
  }

  get state(): DjangoState {
    return this.current;
  }

  /** The key of the running server, in memory only. */
  get apiKey(): string | undefined {
    return this.ready?.apiKey;
  }

  get readyInfo(): DjangoReady | undefined {
    return this.ready;
  }

  /** Pid of the server process we started (the autoreloader parent); undefined when none runs. */
  get pid(): number | undefined {
    return this.child && !this.child.hasStopped ? this.child.pid : undefined;
  }

  lastLines(): string[] {
    return this.output.lastLines();
  }

  onDidChangeState(l: (state: DjangoState) => void): { dispose(): void } {
    return this.stateChanged.event(l);
  }

  /** Raw output (colors intact) and the extension's own notes, for the terminal. */
  onOutput(l: (chunk: string) => void): { dispose(): void } {
    return this.output.onOutput(l);
  }

  /** Fires when a server that was ready dies without being asked to. */
  onCrash(l: (crash: DjangoCrash) => void): { dispose(): void } {
    return this.crashed.event(l);
  }

  /** Starts the server, or joins the start in progress, or returns at once when it is ready. */
  start(launch: DjangoLaunch, opts: StartOptions = {}): Promise<DjangoReady> {
    if (this.starting) return this.starting;
    if (this.current.kind === 'ready' && this.ready) return Promise.resolve(this.ready);
    const gen = ++this.generation;
    const p = this.doStart(launch, opts, gen).finally(() => {
      if (this.starting === p) this.starting = undefined;
    });
    this.starting = p;
    return p;
  }

  async restart(launch: DjangoLaunch, opts: StartOptions = {}): Promise<DjangoReady> {
    await this.stop();
    return this.start(launch, opts);
  }

  /** Stops the server and its whole tree (a start in progress rejects with a CancelledError). A reused server is left running. */
  async stop(): Promise<void> {
    this.generation++;
    this.starting = undefined;
    this.ready = undefined;
    const child = this.child;
    this.child = undefined;
    if (child && !child.hasStopped) {
      this.output.note(`Stopping Django (pid ${child.pid ?? '?'})…`);
      // stop() signals the group before its first await: on window close the host may exit right after this call.
      const exit = await child.stop();
      this.output.note(`Django stopped (${describeExit(exit)}).`);
    } else if (child) {
      await child.stop(); // Leftovers of a crashed tree.
    }
    this.setState({ kind: 'stopped' });
  }

  /** Runs `manage.py migrate` with its output in the terminal; then fetches the key again if the server is up. */
  async migrate(): Promise<{ ok: boolean; message: string }> {
    const launch = this.launch;
    if (!launch?.migrate)
      return {
        ok: false,
        message:
          'No migrate command could be derived from codespaceTests.django.command: run "manage.py migrate" yourself.',
      };
    this.output.note(`Running ${[launch.migrate.command, ...launch.migrate.args].join(' ')}`);
    const exit = await this.spawn(launch.migrate, launch.cwd, 'migrate').stopped;
    if (exit.kind !== 'exited' || exit.code !== 0) {
      return {
        ok: false,
        message: `"manage.py migrate" failed (${describeExit(exit)}). Its output is in the Django terminal.`,
      };
    }
    this.output.forgetProblem('unappliedMigrations');
    if (this.ready) {
      this.ready.problems = this.ready.problems.filter((p) => p.kind !== 'unappliedMigrations');
      if (launch.apiKey) this.applyKey(await fetchApiKey(launch.apiKey, launch.cwd, this.logger));
    }
    return { ok: true, message: 'Migrations applied.' };
  }

  /** Kills the tree at once, synchronously: deactivation and window close may not wait for a graceful stop. */
  dispose(): void {
    this.generation++;
    this.child = undefined;
    for (const child of this.live) {
      child.signal('SIGKILL');
      void child.stop(0);
    }
    this.stateChanged.dispose();
    this.output.dispose();
    this.crashed.dispose();
  }

  private async doStart(launch: DjangoLaunch, opts: StartOptions, gen: number): Promise<DjangoReady> {
    this.launch = launch;
    this.output.clear();
    this.ready = undefined;
    this.setState({ kind: 'starting', url: launch.url });
    for (const n of launch.notes) this.logger.info(n);
    return new StartAttempt(this.host, launch, opts, () => gen !== this.generation).run();
  }

  /** Every process started here is tracked until it ends (the server, a stopping server, migrate), so dispose can kill it. */
  private spawn(spec: CommandSpec, cwd: string, name: string): ChildProcess {
    const child = new ChildProcess({
      ...spec,
      cwd,
      name,
      logger: this.logger,
      onLine: (line) => this.output.line(line),
      onData: (chunk) => this.output.emit(chunk),
    });
    this.live.add(child);
    void child.stopped.then(() => this.live.delete(child));
    return child;
  }

  private onExit(child: ChildProcess, exit: Exit): void {
    // A stop we asked for, or a start that handles the exit itself.
    if (child !== this.child || this.current.kind !== 'ready') return;
    this.child = undefined;
    this.ready = undefined;
    void child.stop(); // The autoreloader child may outlive its parent.
    const lines = this.lastLines();
    const reason = `Django exited unexpectedly (${describeServerExit(exit)}). Start it again with "Start Django"; its last lines are in the Django terminal.`;
    this.output.note(reason);
    this.logger.error(reason);
    this.setState({ kind: 'crashed', url: this.current.url, exit, reason, lastLines: lines });
    this.crashed.fire({ reason, lastLines: lines });
  }

  private applyKey(key: ApiKeyResult): void {
    if (!this.ready) return;
    if (key.kind === 'key') {
      this.ready.apiKey = key.key;
      this.ready.apiKeyFailure = undefined;
    } else {
      this.ready.apiKeyFailure = key;
      this.logger.warn(`${key.message}\n${key.output.join('\n')}`);
    }
  }

  private setState(state: DjangoState): void {
    this.current = state;
    this.stateChanged.fire(state);
  }
}
