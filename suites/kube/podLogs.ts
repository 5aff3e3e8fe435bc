// Pod logs: appending lines to a container and sending them to followers, and answering log requests
// (container, previous, sinceTime/sinceSeconds, tailLines, limitBytes, timestamps, follow) like the
// API server and the kubelet behind it.
import type * as http from 'node:http';
import { nsToRfc3339Nano, parseRfc3339ToNs } from './timestamps';
import type { ContainerInstance, FakePod, LogEntry, PodStore } from './podModel';
import { sendStatus, type StreamingConnections } from './responses';

const NEWLINE = Buffer.from('\n');

export class PodLogs {
  constructor(
    private readonly store: PodStore,
    private readonly streaming: StreamingConnections,
  ) {}

  /** Appends lines with increasing RFC3339Nano timestamps and sends them to the instance's followers. */
  write(
    namespace: string,
    pod: string,
    container: string,
    lines: (string | Buffer)[],
    opts: { sameTimestamp?: boolean; dropMidLine?: boolean; at?: number },
  ): void {
    const inst = this.store.current(namespace, pod, container);
    const chunk: Buffer[] = [];
    let ns = 0n;
    let at = opts.at === undefined ? undefined : BigInt(opts.at) * 1_000_000n;
    for (const line of lines) {
      if (at !== undefined) {
        ns = at;
        at += 1000n;
      } else if (!opts.sameTimestamp || ns === 0n) ns = this.store.nextNs();
      const entry: LogEntry = {
        ns,
        ts: nsToRfc3339Nano(ns),
        body: typeof line === 'string' ? Buffer.from(line) : line,
      };
      inst.lines.push(entry);
      chunk.push(Buffer.from(entry.ts + ' '), entry.body, NEWLINE);
    }
    const data = Buffer.concat(chunk);
    for (const res of inst.followers) {
      const body = res.req.url?.includes('timestamps=true') ? data : stripTimestamps(inst, lines.length);
      if (!opts.dropMidLine) {
        res.write(body);
        continue;
      }
      // A cut connection receives a prefix of the bytes and then nothing more.
      inst.followers.delete(res);
      this.streaming.delete(res);
      res.write(body.subarray(0, Math.max(1, body.length - Math.ceil(body.length / 3) - 1)), () =>
        res.socket?.destroy(),
      );
    }
  }

  serve(res: http.ServerResponse, pod: FakePod, query: Record<string, string>): void {
    const containerName = query.container || pod.containers[0].name;
    const c = pod.containers.find((x) => x.name === containerName);
    if (!c)
      return sendStatus(
        res,
        400,
        'BadRequest',
        `container ${containerName} is not valid for pod ${pod.name}`,
      );
    const follow = query.follow === 'true';
    const timestamps = query.timestamps === 'true';
    if (c.raw && !follow) {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(c.raw.length) });
      res.end(c.raw);
      return;
    }
    let inst = c.instances[c.instances.length - 1];
    if (query.previous === 'true') {
      if (c.instances.length < 2) {
        return sendStatus(
          res,
          400,
          'BadRequest',
          `previous terminated container "${c.name}" in pod "${pod.name}" not found`,
        );
      }
      inst = c.instances[c.instances.length - 2];
    }
    // The kubelet's order: the last tailLines lines of the file, then those at or after the since time.
    let lines = inst.lines;
    if (query.tailLines !== undefined)
      lines = lines.slice(Math.max(0, lines.length - Number(query.tailLines)));
    if (query.sinceTime) {
      // The API server hands sinceTime on to the kubelet as metav1.Time: RFC3339, fraction dropped.
      const since = (parseRfc3339ToNs(query.sinceTime) / 1_000_000_000n) * 1_000_000_000n;
      lines = lines.filter((l) => l.ns >= since);
    } else if (query.sinceSeconds) {
      const since = BigInt(Date.now() - Number(query.sinceSeconds) * 1000) * 1_000_000n;
      lines = lines.filter((l) => l.ns >= since);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    // Like the API server: headers go out at once, before the first line.
    res.flushHeaders();
    const parts: Buffer[] = [];
    for (const l of lines) {
      if (timestamps) parts.push(Buffer.from(l.ts + ' '));
      parts.push(l.body, NEWLINE);
    }
    // limitBytes counts what is sent, timestamps included, and may end mid-line; the body then ends.
    const limit = query.limitBytes ? Number(query.limitBytes) : Infinity;
    const body = Buffer.concat(parts);
    if (body.length) res.write(body.length > limit ? body.subarray(0, limit) : body);
    if (body.length >= limit) {
      res.end();
      return;
    }
    if (!follow || inst.terminated || query.previous === 'true') {
      res.end();
      return;
    }
    inst.followers.add(res);
    this.streaming.set(res, 'log');
    res.on('close', () => {
      inst.followers.delete(res);
      this.streaming.delete(res);
    });
  }
}

function stripTimestamps(inst: ContainerInstance, lastN: number): Buffer {
  const parts: Buffer[] = [];
  for (const l of inst.lines.slice(inst.lines.length - lastN)) parts.push(l.body, NEWLINE);
  return Buffer.concat(parts);
}
