/**
 * A small Debug Adapter Protocol client for tests: Content-Length framed JSON over any pair of streams
 * (an adapter's stdio, or a socket to `python -m debugpy --listen`). It answers nothing on its own
 * beyond refusing reverse requests, so every step of a session is visible in the test.
 */
import type { Readable, Writable } from 'node:stream';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
  arguments?: Record<string, unknown>;
}

export interface DapEvent {
  event: string;
  body: Record<string, unknown>;
}

export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (m: DapMessage) => void; command: string }>();
  /** Every event received, in order; `waitForEvent` consumes from here so none is missed. */
  private readonly events: DapEvent[] = [];
  private readonly eventWaiters = new Set<() => void>();
  private closedReason: string | undefined;
  /** Lines of `output` events, by category (stdout, stderr, console, telemetry). */
  readonly output: { category: string; text: string }[] = [];
  /** Called with each `output` event as it arrives. */
  onOutput: ((category: string, text: string) => void) | undefined;
  /** Protocol trace for failure messages. */
  readonly trace: string[] = [];

  constructor(
    input: Readable,
    private readonly out: Writable,
  ) {
    input.on('data', (chunk: Buffer) => this.onData(chunk));
    input.on('close', () => this.close('the adapter closed the connection'));
    input.on('error', (e) => this.close(`connection error: ${e.message}`));
  }

  /** Sends a request and resolves with the response's body; rejects when the adapter refuses it. */
  async request(
    command: string,
    args?: Record<string, unknown>,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    const response = await this.send(command, args, timeoutMs);
    if (!response.success) throw new Error(`DAP ${command} failed: ${response.message ?? 'no message'}`);
    return response.body ?? {};
  }

  /** Sends a request whose response comes later (debugpy answers `launch` after `configurationDone`). */
  send(command: string, args: Record<string, unknown> | undefined, timeoutMs = 30_000): Promise<DapMessage> {
    if (this.closedReason) return Promise.reject(new Error(`DAP ${command}: ${this.closedReason}`));
    const seq = this.seq++;
    this.write({ seq, type: 'request', command, arguments: args });
    return new Promise<DapMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`DAP ${command}: no response within ${timeoutMs} ms\n${this.recentTrace()}`));
      }, timeoutMs);
      this.pending.set(seq, {
        command,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Resolves with the next event named `name` (matching `where`), including ones that already arrived. */
  waitForEvent(
    name: string,
    timeoutMs = 30_000,
    where: (body: Record<string, unknown>) => boolean = () => true,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const i = this.events.findIndex((e) => e.event === name && where(e.body));
        if (i < 0) return false;
        const [e] = this.events.splice(i, 1);
        done();
        resolve(e.body);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`DAP: no "${name}" event within ${timeoutMs} ms\n${this.recentTrace()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.eventWaiters.delete(waiter);
      };
      const waiter = () => void check();
      if (!check()) this.eventWaiters.add(waiter);
    });
  }

  outputText(categories: readonly string[] = ['stdout', 'stderr']): string {
    return this.output
      .filter((o) => categories.includes(o.category))
      .map((o) => o.text)
      .join('');
  }

  recentTrace(lines = 30): string {
    return this.trace.slice(-lines).join('\n');
  }

  private write(message: Omit<DapMessage, 'seq'> & { seq: number }): void {
    const json = JSON.stringify(message);
    this.trace.push(`-> ${json.slice(0, 300)}`);
    this.out.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /Content-Length:\s*(\d+)/i.exec(header);
      if (!match) throw new Error(`DAP: bad header ${JSON.stringify(header)}`);
      const length = Number(match[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.onMessage(JSON.parse(body) as DapMessage);
    }
  }

  private onMessage(m: DapMessage): void {
    if (m.type !== 'event' || m.event !== 'output') this.trace.push(`<- ${JSON.stringify(m).slice(0, 300)}`);
    if (m.type === 'response') {
      const waiter = this.pending.get(m.request_seq ?? -1);
      this.pending.delete(m.request_seq ?? -1);
      waiter?.resolve(m);
    } else if (m.type === 'event') {
      if (m.event === 'output') {
        const o = { category: String(m.body?.category ?? 'console'), text: String(m.body?.output ?? '') };
        this.output.push(o);
        this.onOutput?.(o.category, o.text);
        return;
      }
      this.events.push({ event: m.event ?? '', body: m.body ?? {} });
      for (const w of [...this.eventWaiters]) w();
    } else if (m.type === 'request') {
      // Reverse requests (runInTerminal, startDebugging) are not part of these tests: refuse them visibly.
      this.write({
        seq: this.seq++,
        type: 'response',
        request_seq: m.seq,
        command: m.command,
        success: false,
        message: `the test client does not support ${m.command}`,
      });
    }
  }

  private close(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq);
      p.resolve({ seq: 0, type: 'response', command: p.command, success: false, message: reason });
    }
    this.events.push({ event: '<closed>', body: { reason } });
    for (const w of [...this.eventWaiters]) w();
  }
}

/** The debugger stopped: where, and the top frame's local variables. */
export async function topFrame(
  client: DapClient,
  threadId: number,
): Promise<{ line: number; path: string; name: string; locals: Map<string, string> }> {
  const trace = await client.request('stackTrace', { threadId, startFrame: 0, levels: 1 });
  const frame = (
    trace.stackFrames as { id: number; line: number; name: string; source?: { path?: string } }[]
  )[0];
  const scopes = (await client.request('scopes', { frameId: frame.id })).scopes as {
    name: string;
    variablesReference: number;
  }[];
  const localsScope = scopes.find((s) => /local/i.test(s.name)) ?? scopes[0];
  const vars = (await client.request('variables', { variablesReference: localsScope.variablesReference }))
    .variables as { name: string; value: string }[];
  return {
    line: frame.line,
    path: frame.source?.path ?? '',
    name: frame.name,
    locals: new Map(vars.map((v) => [v.name, v.value])),
  };
}
