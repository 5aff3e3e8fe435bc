import { execa, type ResultPromise } from 'execa';
import type { CancelToken } from '../cancel';
import { displayMaxLineBytes, textCutter, textLineSplitter } from '../lines/lineSplitter';
import type { Logger } from '../logger';
import { killProcessTree, signalProcessGroup, termThenKill } from './processTree';
import { forgetProcess, watchProcess } from './reaper';

/** SIGTERM, then this long before SIGKILL. */
const STOP_GRACE_MS = 1500;
/** After the parent has exited, how long its group may linger before it is killed (an orphaned reloader child). */
const ORPHAN_GROUP_KILL_MS = 1000;
/** After the parent has exited, how long `stopped` waits for grandchildren that still hold its pipes. */
const PIPES_CLOSE_MS = 2000;

/** How a child process ended. */
export type Exit =
  | { kind: 'exited'; code: number }
  | { kind: 'signalled'; signal: string }
  | { kind: 'failedToStart'; error: Error; notFound: boolean };

interface ChildOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Called with each complete line of stdout and stderr, as it arrives (cut at `maxLineBytes`). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Called with raw output chunks (colors intact, lines cut at `maxLineBytes`), for terminals and test-run output. */
  onData?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Longer lines are cut with a marker (codespaceTests.output.maxLineBytes). */
  maxLineBytes?: number;
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
      encoding: 'buffer',
      // Its own process group, so a terminal's Ctrl+C or our kill reaches the whole tree.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.pid = this.proc.pid;
    if (this.pid !== undefined && process.platform !== 'win32') watchProcess(this.pid);
    // A parent that dies (SIGKILL) while its forked children still hold its stdout (Django's autoreloader)
    // would keep `stopped` waiting for those pipes forever: once it is gone, its group goes too.
    this.proc.once('exit', () => {
      const pid = this.pid;
      if (pid !== undefined)
        setTimeout(() => !this.exit && signalProcessGroup(pid, 'SIGKILL'), ORPHAN_GROUP_KILL_MS).unref();
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
    // child) must not keep `stopped` waiting: settle soon after the parent itself has exited.
    const exited = new Promise<Exit>((resolve) =>
      this.proc.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        const exit: Exit = signal ? { kind: 'signalled', signal } : { kind: 'exited', code: code ?? 0 };
        setTimeout(() => resolve(exit), PIPES_CLOSE_MS).unref();
      }),
    );
    this.stopped = Promise.race([finished, exited]).then((exit) => {
      sub?.dispose();
      this.exit ??= exit;
      if (this.pid !== undefined) forgetProcess(this.pid);
      options.logger?.debug(`${this.name} (pid ${this.pid ?? '?'}) ended: ${describeExit(this.exit)}`);
      return this.exit;
    });
    if (options.token?.isCancellationRequested) void this.stop();
  }

  get hasStopped(): boolean {
    return this.exit !== undefined;
  }

  /**
   * Signals the whole process group now, synchronously (deactivation and window close may not wait):
   * Django's autoreloader child and anything else the child started without leaving its group.
   */
  signal(signal: NodeJS.Signals): void {
    if (this.pid === undefined || this.exit) return;
    if (!signalProcessGroup(this.pid, signal)) this.proc.kill(signal);
  }

  /**
   * Kills the whole tree: SIGTERM first, SIGKILL after `graceMs`; resolves when the parent has ended.
   * The group kill is sent before the first await; tree-kill then reaches descendants that left the group.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<Exit> {
    const pid = this.pid;
    if (this.exit) {
      // The parent may be gone while children (a forked autoreloader child) are not.
      if (pid !== undefined) signalProcessGroup(pid, 'SIGKILL');
      return this.exit;
    }
    if (pid === undefined) return this.stopped;
    const exit = await termThenKill(
      {
        term: () => {
          this.signal('SIGTERM');
          return killProcessTree(pid, 'SIGTERM');
        },
        kill: () => {
          this.signal('SIGKILL');
          return killProcessTree(pid, 'SIGKILL');
        },
        ended: () => this.stopped,
      },
      graceMs,
    );
    signalProcessGroup(pid, 'SIGKILL');
    return exit;
  }

  private wire(stream: 'stdout' | 'stderr'): void {
    const s = this.proc[stream];
    if (!s) return;
    const { onData, onLine, maxLineBytes = displayMaxLineBytes() } = this.options;
    const shown = onData && textCutter((text) => onData(text, stream), maxLineBytes);
    const lines = onLine && textLineSplitter((line) => onLine(line, stream), maxLineBytes);
    s.on('data', (chunk: Buffer) => {
      shown?.write(chunk);
      lines?.write(chunk);
    });
    s.on('end', () => {
      shown?.end();
      lines?.flush();
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

/** What runToEnd keeps of each stream by default: its helpers print a few lines; a flood keeps its tail. */
const RUN_TO_END_MAX_CHARS = 1024 * 1024;

/** The last `max` characters of a stream, and how many came before them. */
class TextTail {
  private chunks: string[] = [];
  private length = 0;
  private dropped = 0;

  constructor(private readonly max: number) {}

  push(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    // Compacted at twice the bound, so a flood costs linear time, not a copy per chunk.
    if (this.length > 2 * this.max) this.compact();
  }

  get cut(): boolean {
    return this.dropped > 0 || this.length > this.max;
  }

  text(): string {
    this.compact();
    return this.dropped
      ? `[… ${this.dropped} earlier characters cut …]\n${this.chunks.join('')}`
      : this.chunks.join('');
  }

  private compact(): void {
    if (this.length <= this.max) return;
    const all = this.chunks.join('');
    this.dropped += all.length - this.max;
    this.chunks = [all.slice(all.length - this.max)];
    this.length = this.max;
  }
}

/**
 * Runs a command to completion and collects its output; for short helpers (version checks, git, manage.py).
 * Each stream keeps its last `maxOutputChars` characters: `truncated` says one was cut, and its text starts
 * with a line saying how much.
 */
export async function runToEnd(
  options: Omit<ChildOptions, 'onLine' | 'onData'> & { timeoutMs?: number; maxOutputChars?: number },
): Promise<{ exit: Exit; stdout: string; stderr: string; truncated: boolean }> {
  const max = options.maxOutputChars ?? RUN_TO_END_MAX_CHARS;
  const out = { stdout: new TextTail(max), stderr: new TextTail(max) };
  const child = new ChildProcess({
    ...options,
    onData: (chunk, stream) => out[stream].push(chunk),
  });
  const timer = options.timeoutMs ? setTimeout(() => void child.stop(), options.timeoutMs) : undefined;
  const exit = await child.stopped;
  if (timer) clearTimeout(timer);
  return {
    exit,
    stdout: out.stdout.text(),
    stderr: out.stderr.text(),
    truncated: out.stdout.cut || out.stderr.cut,
  };
}
