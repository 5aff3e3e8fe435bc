import { createServer, type Server, type Socket } from 'node:net';
import { TimeoutError, waitFor } from '../cancel';
import { Emitter } from '../events';
import type { Logger } from '../logger';
import { parseEvent, RESULTS_ENV_VAR, type PluginEvent } from './protocol';

/**
 * The side channel of one pytest session: a TCP server on 127.0.0.1 the plugin connects to, and the
 * events it sends. Whoever starts pytest (the runner, or the debugger for a debug run) passes `env`.
 */
export class ResultChannel {
  private readonly events = new Emitter<PluginEvent>((e) =>
    this.logger?.error(`results channel: a listener failed: ${(e as Error).message}`),
  );
  private readonly sockets = new Set<Socket>();
  private everConnected = false;
  /** Fires when the last open connection has ended. */
  private readonly idle = new Emitter<void>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly address: string,
    private readonly logger?: Logger,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static open(logger?: Logger): Promise<ResultChannel> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        if (!addr || typeof addr === 'string') return reject(new Error('the results socket has no port'));
        server.off('error', reject);
        resolve(new ResultChannel(server, `tcp:127.0.0.1:${addr.port}`, logger));
      });
    });
  }

  /** The variables that tell the plugin where to report. */
  get env(): Record<string, string> {
    return { [RESULTS_ENV_VAR]: this.address };
  }

  get connected(): boolean {
    return this.everConnected;
  }

  onEvent(listener: (e: PluginEvent) => void): { dispose(): void } {
    return this.events.event(listener);
  }

  /** Waits until every connection has ended (the plugin flushed everything), at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.sockets.size === 0) return;
    try {
      await waitFor(this.idle.event, timeoutMs);
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      this.logger?.debug(
        `results channel: ${this.sockets.size} connection(s) still open after ${timeoutMs} ms`,
      );
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    this.server.close();
    this.events.dispose();
  }

  private accept(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    this.sockets.add(socket);
    this.everConnected = true;
    socket.setEncoding('utf8');
    let partial = '';
    socket.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.emit(line);
    });
    const end = () => {
      if (!this.sockets.delete(socket)) return;
      if (partial) this.emit(partial);
      partial = '';
      if (this.sockets.size === 0) this.idle.fire();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', (e) => this.logger?.debug(`results channel: ${e.message}`));
  }

  private emit(line: string): void {
    if (!line.trim()) return;
    const event = parseEvent(line);
    if (!event) {
      this.logger?.warn(`results channel: ignored a line that is not a plugin event: ${line.slice(0, 200)}`);
      return;
    }
    this.events.fire(event);
  }
}
