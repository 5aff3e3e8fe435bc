// A loopback stand-in for the Kubernetes API: the real paths and wire formats the extension uses
// (pod list and watch, namespace read, pod logs), token auth, and cues to drop connections,
// restart or delete pods and refuse requests. Plain node:http so it runs in unit tests, the
// benchmark and inside the extension host alike.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nsToRfc3339Nano, parseRfc3339ToNs } from './timestamps';

export { nsToRfc3339Nano, parseRfc3339ToNs };

interface LogEntry {
  ns: bigint;
  ts: string;
  /** The bytes of the line without the newline (may be invalid UTF-8 on purpose). */
  body: Buffer;
}

interface ContainerInstance {
  id: string;
  startedAt: string;
  lines: LogEntry[];
  terminated: boolean;
  followers: Set<http.ServerResponse>;
}

interface FakeContainer {
  name: string;
  restartCount: number;
  instances: ContainerInstance[];
  /** A pre-rendered body served for non-follow requests (the benchmark's large log). */
  raw?: Buffer;
}

interface FakePod {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  creationTimestamp: string;
  resourceVersion: number;
  containers: FakeContainer[];
}

interface WatchEvent {
  rv: number;
  namespace: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: unknown;
}

export type Refusal = { status: 401 } | { status: 403; verb?: string; resource?: string; namespace?: string };

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
}

export class FakeKubeApi {
  readonly token = 'cit-fake-token-' + Math.random().toString(36).slice(2);
  readonly requests: RequestRecord[] = [];
  private readonly namespaces = new Set<string>(['default']);
  private readonly pods = new Map<string, FakePod>();
  private readonly events: WatchEvent[] = [];
  private readonly watchers = new Set<{ res: http.ServerResponse; namespace: string; selector: Selector }>();
  private readonly sockets = new Set<Socket>();
  private readonly streaming = new Map<http.ServerResponse, 'log' | 'watch'>();
  private rv = 100;
  private lastNs = 0n;
  private idCounter = 0;
  private refusal: Refusal | undefined;
  private dir: string | undefined;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeKubeApi> {
    const server = http.createServer();
    const api = new FakeKubeApi(server);
    server.on('request', (req, res) => api.handle(req, res));
    server.on('connection', (s) => {
      api.sockets.add(s);
      s.on('close', () => api.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Writes a kubeconfig (token auth, one context) pointing at this server; returns its path. */
  writeKubeconfig(namespace = 'default', token = this.token): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'cit-kube-'));
    const file = join(this.dir, `kubeconfig-${++this.idCounter}.yaml`);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: stand-in',
        '  cluster:',
        `    server: ${this.url}`,
        // client-node refuses plain http unless TLS verification is explicitly off.
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: stand-in-user',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: stand-in',
        '  context:',
        '    cluster: stand-in',
        '    user: stand-in-user',
        `    namespace: ${namespace}`,
        'current-context: stand-in',
        '',
      ].join('\n'),
    );
    return file;
  }

  addNamespace(name: string): void {
    this.namespaces.add(name);
  }

  addPod(
    namespace: string,
    name: string,
    opts: { labels?: Record<string, string>; containers?: string[] } = {},
  ): void {
    this.namespaces.add(namespace);
    const pod: FakePod = {
      namespace,
      name,
      uid: `uid-${name}-${++this.idCounter}`,
      labels: opts.labels ?? {},
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      resourceVersion: ++this.rv,
      containers: (opts.containers ?? ['app']).map((c) => ({
        name: c,
        restartCount: 0,
        instances: [this.newInstance()],
      })),
    };
    this.pods.set(key(namespace, name), pod);
    this.emit(pod, 'ADDED');
  }

  /** Appends lines to a container's current instance, with increasing RFC3339Nano timestamps, and sends them to followers. */
  writeLog(
    namespace: string,
    pod: string,
    container: string,
    lines: (string | Buffer)[],
    opts: {
      sameTimestamp?: boolean;
      /** Send followers only part of the bytes, ending mid-line, then cut them off. */ dropMidLine?: boolean;
    } = {},
  ): void {
    const inst = this.current(namespace, pod, container);
    const chunk: Buffer[] = [];
    let ns = 0n;
    for (const line of lines) {
      if (!opts.sameTimestamp || ns === 0n) ns = this.nextNs();
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

  /** A large pre-rendered log for non-follow requests (`timestamps` prefixes included). */
  setRawLog(namespace: string, pod: string, container: string, body: Buffer): void {
    this.container(namespace, pod, container).raw = body;
  }

  /** Cuts every open streaming connection (log follows, watches, or both) mid-stream. */
  dropConnections(kind: 'log' | 'watch' | 'all' = 'all'): number {
    let n = 0;
    for (const [res, k] of this.streaming) {
      if (kind !== 'all' && k !== kind) continue;
      res.socket?.destroy();
      n++;
    }
    return n;
  }

  /** The container's current instance exits and a new one starts: followers' streams end, restartCount goes up. */
  restartPod(namespace: string, pod: string): void {
    const p = this.pod(namespace, pod);
    for (const c of p.containers) {
      const old = c.instances[c.instances.length - 1];
      old.terminated = true;
      for (const res of old.followers) res.end();
      old.followers.clear();
      c.restartCount++;
      c.instances.push(this.newInstance());
    }
    p.resourceVersion = ++this.rv;
    this.emit(p, 'MODIFIED');
  }

  deletePod(namespace: string, pod: string): void {
    const p = this.pod(namespace, pod);
    for (const c of p.containers) {
      const inst = c.instances[c.instances.length - 1];
      inst.terminated = true;
      for (const res of inst.followers) res.end();
      inst.followers.clear();
    }
    this.pods.delete(key(namespace, pod));
    p.resourceVersion = ++this.rv;
    this.emit(p, 'DELETED');
  }

  /** Answers every following request with this refusal (401, or 403 for the given verb/resource/namespace) until cleared. */
  refuse(refusal: Refusal | undefined): void {
    this.refusal = refusal;
  }

  /** The lines of a container's current instance, as written (without timestamps). */
  linesOf(namespace: string, pod: string, container: string): string[] {
    return this.current(namespace, pod, container).lines.map((l) => l.body.toString());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  // ---- request handling ----

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // /api/v1/namespaces/{ns}[/pods[/{name}[/log]]]
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'namespaces' || !parts[3]) {
      return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    const namespace = parts[3];
    const isWatch = query.watch === 'true' || query.watch === '1';
    const verb = parts[4] === 'pods' && !parts[5] ? (isWatch ? 'watch' : 'list') : 'get';
    const resource = parts[4] === undefined ? 'namespaces' : parts[6] === 'log' ? 'pods/log' : 'pods';
    if (this.refusal && this.refuses(this.refusal, verb, resource, namespace)) {
      if (this.refusal.status === 401) return this.status(res, 401, 'Unauthorized', 'Unauthorized');
      const what = resource.includes('/')
        ? `resource "pods" in API group "" ... subresource "log"`
        : `resource "${resource}" in API group ""`;
      return this.status(
        res,
        403,
        'Forbidden',
        `${resource} is forbidden: User "system:serviceaccount:default:dev" cannot ${verb} ${what} in the namespace "${namespace}"`,
      );
    }
    if (parts.length === 4) {
      if (!this.namespaces.has(namespace))
        return this.status(res, 404, 'NotFound', `namespaces "${namespace}" not found`);
      return json(res, 200, {
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: namespace },
        status: { phase: 'Active' },
      });
    }
    if (parts[4] !== 'pods')
      return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (parts.length === 5)
      return isWatch ? this.watch(res, namespace, query) : this.list(res, namespace, query);
    const pod = this.pods.get(key(namespace, parts[5]));
    if (!pod) return this.status(res, 404, 'NotFound', `pods "${parts[5]}" not found`);
    if (parts.length === 6) return json(res, 200, podJson(pod));
    if (parts[6] === 'log') return this.log(res, pod, query);
    return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
  }

  private refuses(r: Refusal, verb: string, resource: string, namespace: string): boolean {
    if (r.status === 401) return true;
    return (
      (!r.verb || r.verb === verb) &&
      (!r.resource || r.resource === resource) &&
      (!r.namespace || r.namespace === namespace)
    );
  }

  private list(res: http.ServerResponse, namespace: string, query: Record<string, string>): void {
    const selector = parseSelector(query.labelSelector);
    // Like the real API: listing pods of a namespace that does not exist answers an empty list.
    const items = [...this.pods.values()]
      .filter((p) => p.namespace === namespace && selector(p.labels))
      .map(podJson);
    json(res, 200, {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private watch(res: http.ServerResponse, namespace: string, query: Record<string, string>): void {
    const selector = parseSelector(query.labelSelector);
    const since = Number(query.resourceVersion ?? this.rv);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const oldest = this.events[0]?.rv ?? this.rv;
    if (since < oldest - 1 && this.events.length >= 1000) {
      const status = statusJson(410, 'Expired', `too old resource version: ${since} (${oldest})`);
      res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
      return;
    }
    for (const e of this.events) {
      if (e.rv > since && e.namespace === namespace && selector(labelsOf(e.object)))
        res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
    }
    const w = { res, namespace, selector };
    this.watchers.add(w);
    this.streaming.set(res, 'watch');
    res.on('close', () => {
      this.watchers.delete(w);
      this.streaming.delete(res);
    });
  }

  private log(res: http.ServerResponse, pod: FakePod, query: Record<string, string>): void {
    const containerName = query.container || pod.containers[0].name;
    const c = pod.containers.find((x) => x.name === containerName);
    if (!c)
      return this.status(
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
        return this.status(
          res,
          400,
          'BadRequest',
          `previous terminated container "${c.name}" in pod "${pod.name}" not found`,
        );
      }
      inst = c.instances[c.instances.length - 2];
    }
    let lines = inst.lines;
    if (query.sinceTime) {
      const since = parseRfc3339ToNs(query.sinceTime);
      lines = lines.filter((l) => l.ns >= since);
    } else if (query.sinceSeconds) {
      const since = BigInt(Date.now() - Number(query.sinceSeconds) * 1000) * 1_000_000n;
      lines = lines.filter((l) => l.ns >= since);
    }
    if (query.tailLines !== undefined)
      lines = lines.slice(Math.max(0, lines.length - Number(query.tailLines)));
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    // Like the API server: headers go out at once, before the first line.
    res.flushHeaders();
    const parts: Buffer[] = [];
    for (const l of lines) {
      if (timestamps) parts.push(Buffer.from(l.ts + ' '));
      parts.push(l.body, NEWLINE);
    }
    if (parts.length) res.write(Buffer.concat(parts));
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

  // ---- helpers ----

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    json(res, code, statusJson(code, reason, message));
  }

  private emit(pod: FakePod, type: WatchEvent['type']): void {
    const object = podJson(pod);
    const event: WatchEvent = { rv: pod.resourceVersion, namespace: pod.namespace, type, object };
    this.events.push(event);
    if (this.events.length > 1000) this.events.shift();
    for (const w of this.watchers) {
      if (w.namespace === pod.namespace && w.selector(pod.labels))
        w.res.write(JSON.stringify({ type, object }) + '\n');
    }
  }

  private newInstance(): ContainerInstance {
    return {
      id: `containerd://${(++this.idCounter).toString(16).padStart(12, '0')}`,
      startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lines: [],
      terminated: false,
      followers: new Set(),
    };
  }

  private nextNs(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    // Strictly increasing, ~1 µs apart when written in a burst; some land in the same second as resumes ask for.
    this.lastNs = now > this.lastNs ? now : this.lastNs + 1000n;
    return this.lastNs;
  }

  private pod(namespace: string, name: string): FakePod {
    const p = this.pods.get(key(namespace, name));
    if (!p) throw new Error(`stand-in: no pod ${namespace}/${name}`);
    return p;
  }

  private container(namespace: string, pod: string, container: string): FakeContainer {
    const c = this.pod(namespace, pod).containers.find((x) => x.name === container);
    if (!c) throw new Error(`stand-in: no container ${container} in ${namespace}/${pod}`);
    return c;
  }

  private current(namespace: string, pod: string, container: string): ContainerInstance {
    const c = this.container(namespace, pod, container);
    return c.instances[c.instances.length - 1];
  }
}

const NEWLINE = Buffer.from('\n');

function stripTimestamps(inst: ContainerInstance, lastN: number): Buffer {
  const parts: Buffer[] = [];
  for (const l of inst.lines.slice(inst.lines.length - lastN)) parts.push(l.body, NEWLINE);
  return Buffer.concat(parts);
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function statusJson(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function labelsOf(object: unknown): Record<string, string> {
  return ((object as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {}) as Record<
    string,
    string
  >;
}

type Selector = (labels: Record<string, string>) => boolean;

/** Equality-based label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated. */
function parseSelector(text: string | undefined): Selector {
  if (!text) return () => true;
  const terms = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return (labels) =>
    terms.every((t) => {
      const ne = t.match(/^([^!=]+)!=(.*)$/);
      if (ne) return labels[ne[1].trim()] !== ne[2].trim();
      const eq = t.match(/^([^!=]+)==?(.*)$/);
      if (eq) return labels[eq[1].trim()] === eq[2].trim();
      if (t.startsWith('!')) return !(t.slice(1) in labels);
      return t in labels;
    });
}

function podJson(p: FakePod): object {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      uid: p.uid,
      labels: p.labels,
      resourceVersion: String(p.resourceVersion),
      creationTimestamp: p.creationTimestamp,
    },
    spec: { containers: p.containers.map((c) => ({ name: c.name, image: `example/${c.name}:1` })) },
    status: {
      phase: 'Running',
      startTime: p.creationTimestamp,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: p.containers.map((c) => {
        const inst = c.instances[c.instances.length - 1];
        return {
          name: c.name,
          ready: !inst.terminated,
          restartCount: c.restartCount,
          image: `example/${c.name}:1`,
          imageID: '',
          containerID: inst.id,
          started: true,
          state: inst.terminated
            ? { terminated: { exitCode: 0, reason: 'Completed' } }
            : { running: { startedAt: inst.startedAt } },
        };
      }),
    },
  };
}
