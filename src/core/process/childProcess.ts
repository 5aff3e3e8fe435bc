import { execa, type ResultPromise } from 'execa';
import treeKill from 'tree-kill';
import type { CancelToken } from '../cancel';
import type { Logger } from '../logger';
import { forgetGroup, watchGroup } from './reaper';

/** How a child process ended. */
export type Exit =
  | { kind: 'exited'; code: number }
  | { kind: 'signalled'; signal: string }
  | { kind: 'failedToStart'; error: Error; notFound: boolean };

export interface ChildOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Called with each complete line of stdout and stderr, as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Called with raw output chunks (colors intact), for terminals and test-run output. */
  onData?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Cancelling the token stops the whole tree. */
  token?: CancelToken;
  /** Written to stdin then closed; stdin is ignored when absent. */
  input?: string;
  logger?: Logger;
  /** What to call it in logs and errors ("Django", "pytest"). */
  name?: string;
}

/**
 * The one shape of every child process: started at construction, `stopped` settles (never rejects)
 * when it has ended, `stop()` kills the whole process tree (Django's autoreloader forks).
 */
export class ChildProcess {
  readonly stopped: Promise<Exit>;
  readonly pid: number | undefined;
  readonly name: string;
  private readonly proc: ResultPromise;
  private exit: Exit | undefined;

  constructor(readonly options: ChildOptions) {
    this.name = options.name ?? options.command;
    this.proc = execa(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      extendEnv: false,
      reject: false,
      buffer: false,
      stripFinalNewline: false,
      stdin: options.input !== undefined ? 'pipe' : 'ignore',
      encoding: 'utf8',
      // Its own process group, so a terminal's Ctrl+C or our kill reaches the whole tree.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.pid = this.proc.pid;
    if (this.pid !== undefined && process.platform !== 'win32') watchGroup(this.pid);
    // A parent that dies (SIGKILL) while its forked children still hold its stdout (Django's autoreloader)
    // would keep `stopped` waiting for those pipes forever: once it is gone, its group goes too.
    this.proc.once('exit', () => {
      const pid = this.pid;
      if (pid !== undefined) setTimeout(() => !this.exit && void killGroup(pid, 'SIGKILL'), 1000).unref();
    });
    if (options.input !== undefined) this.proc.stdin?.end(options.input);
    this.wire('stdout');
    this.wire('stderr');
    options.logger?.debug(
      `${this.name} started (pid ${this.pid ?? '?'}): ${options.command} ${options.args.join(' ')}`,
    );
    const sub = options.token?.onCancellationRequested(() => void this.stop());
    const finished = this.proc.then(
      (r): Exit => {
        const cause = (r as { cause?: unknown }).cause;
        if (r.failed && r.exitCode === undefined && !r.signal) {
          return {
            kind: 'failedToStart',
            error: cause instanceof Error ? cause : new Error(String(r.shortMessage ?? r.message)),
            notFound: (cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT',
          };
        }
        return r.signal ? { kind: 'signalled', signal: r.signal } : { kind: 'exited', code: r.exitCode ?? 0 };
      },
      (e: unknown): Exit => ({
        kind: 'failedToStart',
        error: e instanceof Error ? e : new Error(String(e)),
        notFound: false,
      }),
    );
    // A grandchild that outlives the parent and holds its pipes (debugpy's adapter, an orphaned reloader
    // child) must not keep `stopped` waiting: settle at most 2 s after the parent itself has exited.
    const exited = new Promise<Exit>((resolve) =>
      this.proc.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        const exit: Exit = signal ? { kind: 'signalled', signal } : { kind: 'exited', code: code ?? 0 };
        setTimeout(() => resolve(exit), 2000).unref();
      }),
    );
    this.stopped = Promise.race([finished, exited]).then((exit) => {
      sub?.dispose();
      this.exit ??= exit;
      if (this.pid !== undefined) forgetGroup(this.pid);
      options.logger?.debug(`${this.name} (pid ${this.pid ?? '?'}) ended: ${describeExit(this.exit)}`);
      return this.exit;
    });
    if (options.token?.isCancellationRequested) void this.stop();
  }

  get hasStopped(): boolean {
    return this.exit !== undefined;
  }

  /** Kills the whole tree: SIGTERM first, SIGKILL after `graceMs`. Resolves when the parent has ended. */
  async stop(graceMs = 1500): Promise<Exit> {
    if (this.exit) {
      // The parent may be gone while children (a forked autoreloader child) are not.
      if (this.pid) await killGroup(this.pid, 'SIGKILL');
      return this.exit;
    }
    const pid = this.pid;
    if (pid === undefined) return this.stopped;
    await killTree(pid, 'SIGTERM');
    const timer = setTimeout(() => void killTree(pid, 'SIGKILL'), graceMs);
    const exit = await this.stopped;
    clearTimeout(timer);
    await killGroup(pid, 'SIGKILL');
    return exit;
  }

  private wire(stream: 'stdout' | 'stderr'): void {
    const s = this.proc[stream];
    if (!s) return;
    s.setEncoding('utf8');
    let partial = '';
    s.on('data', (chunk: string) => {
      this.options.onData?.(chunk, stream);
      if (!this.options.onLine) return;
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) this.options.onLine(line, stream);
    });
    s.on('end', () => {
      if (partial && this.options.onLine) this.options.onLine(partial, stream);
      partial = '';
    });
  }
}

export function describeExit(exit: Exit): string {
  switch (exit.kind) {
    case 'exited':
      return `exit code ${exit.code}`;
    case 'signalled':
      return `signal ${exit.signal}`;
    case 'failedToStart':
      return exit.notFound
        ? `command not found (${exit.error.message})`
        : `failed to start (${exit.error.message})`;
  }
}

/** Kills a process and all its descendants. Never throws: a tree that is already gone is fine. */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => treeKill(pid, signal, () => resolve()));
}

/** Kills a whole process group (children re-parented after their parent died still carry its group id). */
async function killGroup(pid: number, signal: NodeJS.Signals): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    process.kill(-pid, signal);
  } catch {
    // No such group: nothing left.
  }
}

/** Runs a command to completion and collects its output; for short helpers (version checks, git, manage.py). */
export async function runToEnd(
  options: Omit<ChildOptions, 'onLine' | 'onData'> & { timeoutMs?: number },
): Promise<{ exit: Exit; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const child = new ChildProcess({
    ...options,
    onData: (chunk, stream) => {
      if (stream === 'stdout') stdout += chunk;
      else stderr += chunk;
    },
  });
  const timer = options.timeoutMs ? setTimeout(() => void child.stop(), options.timeoutMs) : undefined;
  const exit = await child.stopped;
  if (timer) clearTimeout(timer);
  return { exit, stdout, stderr };
}
