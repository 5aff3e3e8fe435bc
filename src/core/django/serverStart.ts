import { CancelledError, type CancelToken } from '../cancel';
import type { ChildProcess } from '../process/childProcess';
import type { Logger } from '../logger';
import { fetchApiKey, type ApiKeyResult } from './apiKey';
import { settlePortConflict, type PortConflict, type PortDecision } from './conflict';
import { DjangoStartError, explainExit, type DjangoProblem } from './diagnose';
import { describeAnswer, waitForHealth } from './health';
import type { CommandSpec, DjangoLaunch, LaunchWrap } from './launch';
import { checkPort, type PortOwner } from './portOwner';
import type { DjangoOutput } from './serverOutput';
import type { DjangoState } from './types';

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

/** What a start needs from the server it starts; the server keeps the state, the child and the ready info. */
export interface StartHost {
  readonly logger: Logger;
  readonly output: DjangoOutput;
  setState(state: DjangoState): void;
  /** Spawns the server as the current child, watched for crashes once it is ready. */
  spawn(spec: CommandSpec, cwd: string): ChildProcess;
  /** Drops the child if it is still the current one, so its exit is not taken for a crash. */
  release(child: ChildProcess): void;
  stop(): Promise<void>;
  /** Keeps the ready info and applies the key before the 'ready' state goes out, so listeners see both. */
  keepReady(ready: DjangoReady, key: ApiKeyResult | undefined): void;
}

/**
 * One start of the server after the 'starting' state went out: port check (reuse the server there or
 * free the port), spawn, health wait, API key. A stop or a newer start overtakes it: it notices at its
 * next step and rejects with a CancelledError, leaving the state to whoever overtook it.
 */
export class StartAttempt {
  constructor(
    private readonly host: StartHost,
    private readonly launch: DjangoLaunch,
    private readonly opts: StartOptions,
    private readonly overtaken: () => boolean,
  ) {}

  async run(): Promise<DjangoReady> {
    const { host, launch, opts } = this;
    const port = await checkPort(launch.host, launch.port);
    this.bail();
    if (port.kind === 'busy') {
      const reused = await this.resolveConflict(port.owner);
      if (reused) return reused;
    }

    const spec = opts.wrap ? opts.wrap(launch.server) : launch.server;
    host.output.note(`Starting Django: ${[spec.command, ...spec.args].join(' ')}  (in ${launch.cwd})`);
    const child = host.spawn(spec, launch.cwd);

    let waited;
    try {
      waited = await waitForHealth(launch.healthUrl, {
        timeoutMs: launch.startTimeoutMs,
        token: opts.token,
        giveUp: () => child.hasStopped || this.overtaken(),
      });
    } catch (e) {
      if (!this.overtaken()) await host.stop();
      throw e;
    }
    this.bail();
    if (waited.kind === 'gaveUp') return this.failedToStart(child, spec.command);
    if (waited.kind === 'timedOut') {
      const why = `Django did not answer ${launch.healthUrl} within ${launch.startTimeoutMs / 1000} s (last: ${describeAnswer(waited.last)}). Its output is in the Django terminal; raise codespaceTests.django.startTimeoutSeconds if it is just slow, or check codespaceTests.django.healthPath.`;
      host.release(child);
      const exit = await child.stop();
      host.setState({
        kind: 'crashed',
        url: launch.url,
        exit,
        reason: why,
        lastLines: host.output.lastLines(),
      });
      throw new DjangoStartError(why, 'timedOut', host.output.lastLines(), host.output.problems());
    }

    const key = launch.apiKey ? await fetchApiKey(launch.apiKey, launch.cwd, host.logger) : undefined;
    this.bail();
    if (child.hasStopped) return this.failedToStart(child, spec.command);
    const ready: DjangoReady = {
      url: launch.url,
      apiKey: undefined,
      apiKeyFailure: undefined,
      problems: host.output.problems(),
      external: false,
    };
    host.keepReady(ready, key);
    host.output.note(`Django is ready at ${launch.url}`);
    host.setState({ kind: 'ready', url: launch.url, pid: child.pid, external: false });
    return ready;
  }

  private bail(): void {
    if (this.overtaken()) throw new CancelledError('Django was stopped while it was starting');
  }

  /** Returns the reused server, or undefined when the port was freed; throws when the user cancels. */
  private async resolveConflict(owner: PortOwner | undefined): Promise<DjangoReady | undefined> {
    const { host, launch } = this;
    let outcome;
    try {
      outcome = await settlePortConflict(
        launch,
        owner,
        this.opts.onPortBusy,
        (t) => host.output.note(t),
        () => this.bail(),
      );
    } catch (e) {
      if (e instanceof DjangoStartError) host.setState({ kind: 'stopped' });
      throw e;
    }
    if (outcome === 'freed') return undefined;
    const key = launch.apiKey ? await fetchApiKey(launch.apiKey, launch.cwd, host.logger) : undefined;
    this.bail();
    const ready: DjangoReady = {
      url: launch.url,
      apiKey: undefined,
      apiKeyFailure: undefined,
      problems: [],
      external: true,
    };
    host.keepReady(ready, key);
    host.output.note(
      `Reusing the Django at ${launch.url}; it was not started here, so Stop leaves it running.`,
    );
    host.setState({ kind: 'ready', url: launch.url, pid: owner?.pid, external: true });
    return ready;
  }

  private async failedToStart(child: ChildProcess, command: string): Promise<never> {
    const exit = await child.stopped;
    this.host.release(child);
    await child.stop(); // Leftovers of the tree.
    const lines = this.host.output.lastLines();
    const reason = explainExit(exit, lines, command, this.launch.cwd);
    this.host.setState({ kind: 'crashed', url: this.launch.url, exit, reason, lastLines: lines });
    throw new DjangoStartError(reason, 'exited', lines, this.host.output.problems());
  }
}
