import { CancelledError, type CancelToken } from '../cancel';
import { ChildProcess, describeExit, type Exit } from '../process/childProcess';
import type { Logger } from '../log';
import { DJANGO_SOURCE, type LogStore } from '../logs/logStore';
import { fetchApiKey, type ApiKeyResult } from './apiKey';
import {
  describeServerExit,
  DjangoStartError,
  explainExit,
  problemInLine,
  type DjangoProblem,
} from './diagnose';
import { describeAnswer, waitForHealth } from './health';
import type { CommandSpec, DjangoLaunch, LaunchWrap } from './launch';
import { LineTail, stripAnsi } from './lineTail';
import { checkPort, type PortOwner } from './portOwner';
import { settlePortConflict, type PortConflict, type PortDecision } from './conflict';
import type { DjangoState } from './types';

export type { PortConflict, PortDecision } from './conflict';
export { DjangoStartError, type StartFailure } from './diagnose';

export interface StartOptions {
  token?: CancelToken;
  /** Changes the command before it starts (the debugger wraps it); the health wait and the key stay the same. */
  wrap?: LaunchWrap;
  /** Asked when the port is busy; the default answer is cancel, so nothing is killed without asking. */
  onPortBusy?: (conflict: PortConflict) => Promise<PortDecision>;
}

/** A server that answers: its URL, its key, and what its output warned about. */
export interface DjangoReady {
  url: string;
  apiKey: string | undefined;
  apiKeyFailure: Extract<ApiKeyResult, { kind: 'failed' }> | undefined;
  problems: DjangoProblem[];
  external: boolean;
}

export interface DjangoCrash {
  reason: string;
  lastLines: string[];
}

type Listener<T> = (value: T) => void;

/**
 * The managed Django server: start (port check, spawn, health wait, API key), stop (whole tree), crash
 * detection. One start at a time; a second start joins the first; stop wins over a start in progress.
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
  private readonly tail: LineTail;
  private readonly problems = new Map<string, DjangoProblem>();
  private readonly stateListeners = new Set<Listener<DjangoState>>();
  private readonly outputListeners = new Set<Listener<string>>();
  private readonly crashListeners = new Set<Listener<DjangoCrash>>();

  constructor(
    private readonly logger: Logger,
    private readonly logStore?: LogStore,
    tailSize = 50,
  ) {
    this.tail = new LineTail(tailSize);
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
    return this.tail.snapshot();
  }

  onDidChangeState(l: Listener<DjangoState>): { dispose(): void } {
    return subscribe(this.stateListeners, l);
  }

  /** Raw output (colors intact) and the extension's own notes, for the terminal. */
  onOutput(l: Listener<string>): { dispose(): void } {
    return subscribe(this.outputListeners, l);
  }

  /** Fires when a server that was ready dies without being asked to. */
  onCrash(l: Listener<DjangoCrash>): { dispose(): void } {
    return subscribe(this.crashListeners, l);
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
      this.note(`Stopping Django (pid ${child.pid ?? '?'})…`);
      // Signalled now, not after an await: on window close the extension host may exit right after this call.
      signalGroup(child, 'SIGTERM');
      const exit = await child.stop();
      this.note(`Django stopped (${describeExit(exit)}).`);
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
    const exit = await this.runStreamed(launch.migrate, launch.cwd, 'migrate');
    if (exit.kind !== 'exited' || exit.code !== 0) {
      return {
        ok: false,
        message: `"manage.py migrate" failed (${describeExit(exit)}). Its output is in the Django terminal.`,
      };
    }
    this.problems.delete('unappliedMigrations');
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
      signalGroup(child, 'SIGKILL');
      void child.stop(0);
    }
    this.stateListeners.clear();
    this.outputListeners.clear();
    this.crashListeners.clear();
  }

  /** Every process started here that has not ended (the server, a stopping server, migrate). */
  private track(child: ChildProcess): ChildProcess {
    this.live.add(child);
    void child.stopped.then(() => this.live.delete(child));
    return child;
  }

  private async doStart(launch: DjangoLaunch, opts: StartOptions, gen: number): Promise<DjangoReady> {
    this.launch = launch;
    this.tail.clear();
    this.problems.clear();
    this.ready = undefined;
    this.setState({ kind: 'starting', url: launch.url });
    for (const n of launch.notes) this.logger.info(n);
    const overtaken = () => gen !== this.generation;
    const bail = () => {
      if (overtaken()) throw new CancelledError('Django was stopped while it was starting');
    };

    const port = await checkPort(launch.host, launch.port);
    bail();
    if (port.kind === 'busy') {
      const reused = await this.resolveConflict(launch, port.owner, opts, gen);
      if (reused) return reused;
    }

    const spec = opts.wrap ? opts.wrap(launch.server) : launch.server;
    this.note(`Starting Django: ${[spec.command, ...spec.args].join(' ')}  (in ${launch.cwd})`);
    const child = this.track(
      new ChildProcess({
        ...spec,
        cwd: launch.cwd,
        name: 'Django',
        logger: this.logger,
        onLine: (line) => this.onLine(line),
        onData: (chunk) => this.emitOutput(chunk),
      }),
    );
    this.child = child;
    void child.stopped.then((exit) => this.onExit(child, exit));

    let waited;
    try {
      waited = await waitForHealth(launch.healthUrl, {
        timeoutMs: launch.startTimeoutMs,
        token: opts.token,
        giveUp: () => child.hasStopped || overtaken(),
      });
    } catch (e) {
      if (!overtaken()) await this.stop();
      throw e;
    }
    bail();
    if (waited.kind === 'gaveUp') return this.failedToStart(child, spec.command, launch);
    if (waited.kind === 'timedOut') {
      const why = `Django did not answer ${launch.healthUrl} within ${launch.startTimeoutMs / 1000} s (last: ${describeAnswer(waited.last)}). Its output is in the Django terminal; raise codespaceTests.django.startTimeoutSeconds if it is just slow, or check codespaceTests.django.healthPath.`;
      this.child = undefined;
      const exit = await child.stop();
      this.setState({ kind: 'crashed', url: launch.url, exit, reason: why, lastLines: this.lastLines() });
      throw new DjangoStartError(why, 'timedOut', this.lastLines(), [...this.problems.values()]);
    }

    const key = launch.apiKey ? await fetchApiKey(launch.apiKey, launch.cwd, this.logger) : undefined;
    bail();
    if (child.hasStopped) return this.failedToStart(child, spec.command, launch);
    this.ready = {
      url: launch.url,
      apiKey: undefined,
      apiKeyFailure: undefined,
      problems: [...this.problems.values()],
      external: false,
    };
    if (key) this.applyKey(key);
    this.note(`Django is ready at ${launch.url}`);
    this.setState({ kind: 'ready', url: launch.url, pid: child.pid, external: false });
    return this.ready;
  }

  /** Returns the reused server, or undefined when the port was freed; throws when the user cancels. */
  private async resolveConflict(
    launch: DjangoLaunch,
    owner: PortOwner | undefined,
    opts: StartOptions,
    gen: number,
  ): Promise<DjangoReady | undefined> {
    const bail = () => {
      if (gen !== this.generation) throw new CancelledError('Django was stopped while it was starting');
    };
    let outcome;
    try {
      outcome = await settlePortConflict(launch, owner, opts.onPortBusy, (t) => this.note(t), bail);
    } catch (e) {
      if (e instanceof DjangoStartError) this.setState({ kind: 'stopped' });
      throw e;
    }
    if (outcome === 'freed') return undefined;
    const key = launch.apiKey ? await fetchApiKey(launch.apiKey, launch.cwd, this.logger) : undefined;
    bail();
    this.ready = {
      url: launch.url,
      apiKey: undefined,
      apiKeyFailure: undefined,
      problems: [],
      external: true,
    };
    if (key) this.applyKey(key);
    this.note(`Reusing the Django at ${launch.url}; it was not started here, so Stop leaves it running.`);
    this.setState({ kind: 'ready', url: launch.url, pid: owner?.pid, external: true });
    return this.ready;
  }

  private async failedToStart(child: ChildProcess, command: string, launch: DjangoLaunch): Promise<never> {
    const exit = await child.stopped;
    if (this.child === child) this.child = undefined;
    await child.stop(); // Leftovers of the tree.
    const lines = this.lastLines();
    const reason = explainExit(exit, lines, command, launch.cwd);
    this.setState({ kind: 'crashed', url: launch.url, exit, reason, lastLines: lines });
    throw new DjangoStartError(reason, 'exited', lines, [...this.problems.values()]);
  }

  private onExit(child: ChildProcess, exit: Exit): void {
    // A stop we asked for, or a start that handles the exit itself.
    if (child !== this.child || this.current.kind !== 'ready') return;
    this.child = undefined;
    this.ready = undefined;
    void child.stop(); // The autoreloader child may outlive its parent.
    const lines = this.lastLines();
    const reason = `Django exited unexpectedly (${describeServerExit(exit)}). Start it again with "Start Django"; its last lines are in the Django terminal.`;
    this.note(reason);
    this.logger.error(reason);
    this.setState({ kind: 'crashed', url: this.current.url, exit, reason, lastLines: lines });
    for (const l of [...this.crashListeners]) l({ reason, lastLines: lines });
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

  private onLine(raw: string): void {
    const line = stripAnsi(raw);
    this.tail.push(line);
    this.logStore?.append(DJANGO_SOURCE, line, Date.now());
    const problem = problemInLine(line);
    if (problem && !this.problems.has(problem.kind)) this.problems.set(problem.kind, problem);
  }

  private async runStreamed(spec: CommandSpec, cwd: string, name: string): Promise<Exit> {
    this.note(`Running ${[spec.command, ...spec.args].join(' ')}`);
    const child = this.track(
      new ChildProcess({
        ...spec,
        cwd,
        name,
        logger: this.logger,
        onLine: (line) => this.onLine(line),
        onData: (chunk) => this.emitOutput(chunk),
      }),
    );
    return child.stopped;
  }

  /** The extension's own lines in the terminal (dimmed), apart from Django's. */
  private note(text: string): void {
    this.logger.info(text);
    this.emitOutput(`\x1b[2m${text}\x1b[0m\n`);
  }

  private emitOutput(chunk: string): void {
    for (const l of this.outputListeners) l(chunk);
  }

  private setState(state: DjangoState): void {
    this.current = state;
    for (const l of [...this.stateListeners]) l(state);
  }
}

function subscribe<T>(set: Set<Listener<T>>, l: Listener<T>): { dispose(): void } {
  set.add(l);
  return { dispose: () => set.delete(l) };
}

/** Signals a child's whole process group at once, synchronously (Django's autoreloader child is in it). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid || child.hasStopped || process.platform === 'win32') return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
