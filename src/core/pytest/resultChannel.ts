import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter, type Event } from '../events';
import { LineSplitter } from '../lines/lineSplitter';
import type { Logger } from '../logger';
import {
  parseEvent,
  PROTOCOL_VERSION,
  RESULTS_ENV_VAR,
  RESULTS_NONCE_ENV_VAR,
  type PluginEvent,
} from './protocol';

/**
 * One event may carry a long failure (the plugin clips each text at 200,000 characters): it must still
 * parse, so this cap is far above the display cap. A longer event is cut, dropped and reported.
 */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;
/** What a connection may send before it has proved it belongs to the run. */
const MAX_UNPROVEN_BYTES = 64 * 1024;
/**
 * How long the drain at the end of a run waits for a connection that has not said hello. The run's process
 * has exited by then, so its bytes are all in the kernel: one that still sent nothing is not the run's.
 */
export const HELLO_GRACE_MS = 500;

/** Where the plugin connects: a unix socket in a fresh 0700 folder, or TCP on loopback where none can be made. */
type Endpoint = { kind: 'unix'; dir: string; path: string } | { kind: 'tcp'; port: number };

/**
 * The side channel of one pytest session, reachable only by that run: a unix socket in a private folder,
 * and a per-run nonce the plugin must send on its first line. Lines from any other connection are dropped
 * and logged. Whoever starts pytest (the runner, or the debugger for a debug run) passes `env`.
 */
export class ResultChannel {
  private readonly events = new Emitter<PluginEvent>((e) =>
    this.logger?.error(`results channel: a listener failed: ${(e as Error).message}`),
  );
  /** Every open connection, proven or not (closed with the channel). */
  private readonly sockets = new Set<Socket>();
  /** Connections that sent the nonce: the run's plugin. */
  private readonly proven = new Set<Socket>();
  private everConnected = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly endpoint: Endpoint,
    private readonly nonce: string,
    private readonly logger?: Logger,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async open(logger?: Logger): Promise<ResultChannel> {
    const nonce = randomBytes(24).toString('hex');
    const unix = process.platform === 'win32' ? undefined : await listenUnix();
    if (unix) return new ResultChannel(unix.server, unix.endpoint, nonce, logger);
    logger?.debug('results channel: no unix socket could be made; using TCP on 127.0.0.1');
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        const addr = server.address();
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('the results socket has no port'));
      });
    });
    return new ResultChannel(server, { kind: 'tcp', port }, nonce, logger);
  }

  /** Where the plugin connects, as RESULTS_ENV_VAR says it. */
  get address(): string {
    return this.endpoint.kind === 'unix'
      ? `unix:${this.endpoint.path}`
      : `tcp:127.0.0.1:${this.endpoint.port}`;
  }

  /** The variables that tell the plugin where to report and how to prove it is the run's. */
  get env(): Record<string, string> {
    return { [RESULTS_ENV_VAR]: this.address, [RESULTS_NONCE_ENV_VAR]: this.nonce };
  }

  /** Whether the run's plugin connected (with the right nonce). */
  get connected(): boolean {
    return this.everConnected;
  }

  readonly onEvent: Event<PluginEvent> = this.events.event;

  /**
   * Waits until the plugin's connections have ended (it flushed everything), at most `timeoutMs`. pytest may
   * have connected, written and exited while this process was busy: one turn of the event loop first takes
   * what the kernel already holds, so a connection not yet accepted, or not yet proven, still counts; one
   * that has said no hello HELLO_GRACE_MS later is dropped. Called once the run's process has exited.
   */
  async drain(timeoutMs: number): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.sockets.size === 0) return;
    // Checked after the loop's next poll (setImmediate), so bytes the kernel holds are read before the verdict.
    const grace = setTimeout(
      () => setImmediate(() => this.dropUnproven()),
      Math.min(HELLO_GRACE_MS, timeoutMs),
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger?.debug(
          `results channel: ${this.sockets.size} connection(s) still open after ${timeoutMs} ms`,
        );
        resolve();
      }, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    clearTimeout(grace);
  }

  /** Called once the run's process has exited: a connection that never said hello is not the run's plugin. */
  private dropUnproven(): void {
    for (const socket of this.sockets) {
      if (this.proven.has(socket)) continue;
      this.logger?.warn(
        `results channel: dropped a connection that sent no hello within ${HELLO_GRACE_MS} ms of the run's end (not the run's plugin).`,
      );
      socket.destroy();
    }
  }

  /** Closes every connection and removes the socket and its folder. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    this.server.close();
    this.events.dispose();
    if (this.endpoint.kind === 'unix') rmSync(this.endpoint.dir, { recursive: true, force: true });
  }

  private accept(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    this.sockets.add(socket);
    let unproven = 0;
    let dropped = false;
    const drop = () => {
      dropped = true;
      socket.destroy();
    };
    const splitter = new LineSplitter((buf, start, end, cut) => {
      if (dropped) return;
      if (this.proven.has(socket)) return this.line(buf.toString('utf8', start, end), cut);
      if (this.prove(buf.toString('utf8', start, end), cut)) this.proven.add(socket);
      else drop();
    }, MAX_EVENT_BYTES);
    socket.on('data', (chunk: Buffer) => {
      if (dropped) return;
      splitter.write(chunk);
      if (!dropped && !this.proven.has(socket) && (unproven += chunk.length) > MAX_UNPROVEN_BYTES) {
        this.logger?.warn('results channel: dropped a connection that sent no nonce (not the run’s plugin).');
        drop();
      }
    });
    const end = () => {
      if (!this.sockets.delete(socket)) return;
      if (this.proven.has(socket)) splitter.flush();
      this.proven.delete(socket);
      if (this.sockets.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', (e) => this.logger?.debug(`results channel: ${e.message}`));
  }

  /** The first line must be the plugin's hello with this run's nonce; anything else is dropped and logged. */
  private prove(line: string, cut: boolean): boolean {
    const hello = cut ? undefined : parseEvent(line);
    if (hello?.event !== 'hello' || typeof hello.nonce !== 'string' || !sameNonce(hello.nonce, this.nonce)) {
      this.logger?.warn(
        `results channel: dropped a connection whose first line did not carry this run's nonce (not the run's plugin): ${line.slice(0, 120)}`,
      );
      return false;
    }
    if (hello.version !== PROTOCOL_VERSION)
      this.logger?.warn(
        `results channel: the pytest plugin speaks protocol ${hello.version}, this extension ${PROTOCOL_VERSION}; results may be missing. Check that PYTHONPATH does not hold an old copy of codespace_tests_plugin.`,
      );
    this.everConnected = true;
    this.events.fire(hello);
    return true;
  }

  private line(line: string, cut: boolean): void {
    if (cut) {
      this.logger?.warn(
        `results channel: dropped a plugin event longer than ${MAX_EVENT_BYTES} bytes: ${line.slice(0, 200)}`,
      );
      return;
    }
    if (!line.trim()) return;
    const event = parseEvent(line);
    if (!event) {
      this.logger?.warn(`results channel: ignored a line that is not a plugin event: ${line.slice(0, 200)}`);
      return;
    }
    this.events.fire(event);
  }
}

function sameNonce(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A unix socket in a fresh folder only this user can enter; undefined where none can be made (path too long, no support). */
async function listenUnix(): Promise<{ server: Server; endpoint: Endpoint } | undefined> {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'cst-'));
    chmodSync(dir, 0o700);
    const path = join(dir, 'results.sock');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return { server, endpoint: { kind: 'unix', dir, path } };
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}
