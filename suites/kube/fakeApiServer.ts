// A loopback stand-in for the Kubernetes API: the real paths and wire formats the extension uses
// (pod list and watch, namespace read, pod logs, events, deployments, services, custom resources),
// token auth, and cues to drop connections, restart or delete pods, refuse or stall requests. Plain node:http so it runs in unit tests, the
// benchmark and inside the extension host alike. The pods live in podModel.ts, watches in
// watchStreams.ts, logs in podLogs.ts; this file routes requests and is what tests drive.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { nsToRfc3339Nano, parseRfc3339ToNs } from './timestamps';
import { ClusterEvents, type FakeEvent } from './clusterEvents';
import { ClusterObjects } from './clusterObjects';
import { serveDeploymentWrite, serveObjectList } from './objectRoutes';
import { KubeconfigFiles } from './kubeconfig';
import { parseSelector } from './labelSelector';
import { PodLogs } from './podLogs';
import { PodStore, podJson, type ContainerExit, type PodOwner } from './podModel';
import { json, sendStatus, type StreamingConnections } from './responses';
import { WatchStreams } from './watchStreams';

export { nsToRfc3339Nano, parseRfc3339ToNs };

export type Refusal = { status: 401 } | { status: 403; verb?: string; resource?: string; namespace?: string };

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
}

export class FakeKubeApi {
  readonly token = 'cit-fake-token-' + Math.random().toString(36).slice(2);
  readonly requests: RequestRecord[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly streaming: StreamingConnections = new Map();
  private readonly watches = new WatchStreams(this.streaming);
  private readonly store = new PodStore((pod, type) => this.watches.emit(pod, type));
  private readonly logs = new PodLogs(this.store, this.streaming);
  private readonly kubeconfigs = new KubeconfigFiles();
  private readonly objects = new ClusterObjects();
  private readonly events = new ClusterEvents();
  private refusal: Refusal | undefined;
  private stalling: RegExp | undefined;
  private readonly stalled = new Set<http.ServerResponse>();

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
    return this.kubeconfigs.write(this.store.nextId(), this.url, token, namespace);
  }

  addNamespace(name: string): void {
    this.store.namespaces.add(name);
  }

  addPod(
    namespace: string,
    name: string,
    opts: { labels?: Record<string, string>; containers?: string[]; owner?: PodOwner } = {},
  ): void {
    this.store.addPod(namespace, name, opts);
  }

  /** A core/v1 Event (legacy first/lastTimestamp, or eventTime as newer components write it). */
  addEvent(event: Omit<FakeEvent, 'name' | 'count' | 'last'> & Partial<FakeEvent>): void {
    this.store.namespaces.add(event.namespace);
    this.events.add({ count: 1, last: event.first, ...event });
  }

  get eventCount(): number {
    return this.events.size;
  }

  /** Any namespaced object under its collection path, e.g. `api/v1/services`, `apis/batch/v1/jobs` (`kind` for a new collection). */
  addObject(
    collection: string,
    namespace: string,
    name: string,
    opts: { labels?: Record<string, string>; kind?: string } = {},
  ): void {
    this.store.namespaces.add(namespace);
    let c = this.objects.others.get(collection);
    if (!c) {
      c = { kind: opts.kind ?? 'Object', objects: new Map() };
      this.objects.others.set(collection, c);
    }
    const uid = `uid-${name}-${this.store.nextId()}`;
    c.objects.set(`${namespace}/${name}`, {
      namespace,
      name,
      uid,
      labels: opts.labels ?? {},
      created: Date.now(),
    });
  }

  deleteObject(collection: string, namespace: string, name: string): void {
    this.objects.others.get(collection)?.objects.delete(`${namespace}/${name}`);
  }

  deleteDeployment(namespace: string, name: string): void {
    this.objects.deployments.delete(`${namespace}/${name}`);
  }

  /** Requests whose path matches are held without an answer until `stall(undefined)` or close (a cluster that hangs). */
  stall(paths: RegExp | undefined): void {
    this.stalling = paths;
    if (paths) return;
    for (const res of this.stalled) res.socket?.destroy();
    this.stalled.clear();
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
      /** Stamp the lines from this time (epoch ms) on, 1 µs apart, instead of now. */ at?: number;
    } = {},
  ): void {
    this.logs.write(namespace, pod, container, lines, opts);
  }

  /** A large pre-rendered log for non-follow requests (`timestamps` prefixes included). */
  setRawLog(namespace: string, pod: string, container: string, body: Buffer): void {
    this.store.container(namespace, pod, container).raw = body;
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

  /**
   * The container's current instance exits and a new one starts: followers' streams end, restartCount goes
   * up; with `exit` (OOMKilled 137, Error 1 …) the pod reports it as `lastState.terminated`.
   */
  restartPod(namespace: string, pod: string, exit?: Omit<ContainerExit, 'finishedAt'>): void {
    this.store.restartPod(namespace, pod, exit);
  }

  deletePod(namespace: string, pod: string): void {
    this.store.deletePod(namespace, pod);
  }

  /** Check Codespace reads nodes: a node with its Ready condition. */
  addNode(name: string, ready = true): void {
    this.objects.nodes.set(name, { name, ready });
  }

  /** A deployment (apps/v1) with its wanted and ready replicas. */
  addDeployment(
    namespace: string,
    name: string,
    opts: { labels?: Record<string, string>; replicas?: number; readyReplicas?: number } = {},
  ): void {
    this.store.namespaces.add(namespace);
    const replicas = opts.replicas ?? 1;
    this.objects.deployments.set(`${namespace}/${name}`, {
      namespace,
      name,
      uid: `uid-${name}-${this.store.nextId()}`,
      labels: opts.labels ?? {},
      replicas,
      readyReplicas: opts.readyReplicas ?? replicas,
      created: Date.now(),
    });
  }

  /** The pod's containers report not ready (in `phase`, Running by default), as a crash-looping pynode does. */
  setPodReady(namespace: string, pod: string, ready: boolean, phase = 'Running'): void {
    this.store.setReady(namespace, pod, ready, phase);
  }

  /** Answers every following request with this refusal (401, or 403 for the given verb/resource/namespace) until cleared. */
  refuse(refusal: Refusal | undefined): void {
    this.refusal = refusal;
  }

  /** The lines of a container's current instance, as written (without timestamps). */
  linesOf(namespace: string, pod: string, container: string): string[] {
    return this.store.current(namespace, pod, container).lines.map((l) => l.body.toString());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.kubeconfigs.remove();
  }

  // ---- request handling ----

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
    if (this.stalling?.test(url.pathname)) {
      this.stalled.add(res);
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (serveDeploymentWrite(this.objectRoutes, req, res, parts)) return;
    if (this.clusterWide(res, parts, query)) return;
    if (serveObjectList(this.objectRoutes, res, parts, query)) return;
    // /api/v1/namespaces/{ns}[/pods[/{name}[/log]]]
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'namespaces' || !parts[3]) {
      return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    const namespace = parts[3];
    const isWatch = query.watch === 'true' || query.watch === '1';
    const verb = parts[4] === 'pods' && !parts[5] ? (isWatch ? 'watch' : 'list') : 'get';
    const resource = parts[4] === undefined ? 'namespaces' : parts[6] === 'log' ? 'pods/log' : 'pods';
    if (this.refusal && refuses(this.refusal, verb, resource, namespace)) {
      if (this.refusal.status === 401) return sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
      const what = resource.includes('/')
        ? `resource "pods" in API group "" ... subresource "log"`
        : `resource "${resource}" in API group ""`;
      return sendStatus(
        res,
        403,
        'Forbidden',
        `${resource} is forbidden: User "system:serviceaccount:default:dev" cannot ${verb} ${what} in the namespace "${namespace}"`,
      );
    }
    if (parts.length === 4) {
      if (!this.store.namespaces.has(namespace))
        return sendStatus(res, 404, 'NotFound', `namespaces "${namespace}" not found`);
      return json(res, 200, {
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: namespace },
        status: { phase: 'Active' },
      });
    }
    if (parts[4] !== 'pods')
      return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (parts.length === 5)
      return isWatch
        ? this.watches.serve(res, namespace, query, this.store.resourceVersion)
        : this.list(res, namespace, query);
    const pod = this.store.find(namespace, parts[5]);
    if (!pod) return sendStatus(res, 404, 'NotFound', `pods "${parts[5]}" not found`);
    if (parts.length === 6) return json(res, 200, podJson(pod));
    if (parts[6] === 'log') return this.logs.serve(res, pod, query);
    return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
  }

  /** Lists across namespaces (nodes, all pods, all deployments): what Check Codespace reads. */
  private clusterWide(res: http.ServerResponse, parts: string[], query: Record<string, string>): boolean {
    const path = parts.join('/');
    if (path !== 'api/v1/nodes' && path !== 'api/v1/pods' && path !== 'apis/apps/v1/deployments')
      return false;
    if (this.refusal && refuses(this.refusal, 'list', parts[parts.length - 1], '')) {
      sendStatus(
        res,
        this.refusal.status,
        this.refusal.status === 401 ? 'Unauthorized' : 'Forbidden',
        'refused',
      );
      return true;
    }
    const selector = parseSelector(query.labelSelector);
    const rv = this.store.resourceVersion;
    if (path === 'api/v1/nodes') json(res, 200, this.objects.nodeList(rv));
    else if (path === 'apis/apps/v1/deployments') json(res, 200, this.objects.deploymentList(rv, selector));
    else
      json(res, 200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(rv) },
        items: this.store
          .all()
          .filter((p) => selector(p.labels))
          .map(podJson),
      });
    return true;
  }

  private readonly objectRoutes = {
    events: this.events,
    objects: this.objects,
    resourceVersion: () => this.store.resourceVersion,
    addDeployment: (namespace: string, name: string, labels: Record<string, string>) =>
      this.addDeployment(namespace, name, { labels }),
    refused: (res: http.ServerResponse, resource: string, namespace: string) => {
      if (!this.refusal || !refuses(this.refusal, 'list', resource, namespace)) return false;
      const status = this.refusal.status;
      sendStatus(res, status, status === 401 ? 'Unauthorized' : 'Forbidden', 'refused');
      return true;
    },
  };

  private list(res: http.ServerResponse, namespace: string, query: Record<string, string>): void {
    const selector = parseSelector(query.labelSelector);
    // Like the real API: listing pods of a namespace that does not exist answers an empty list.
    const items = this.store
      .all()
      .filter((p) => p.namespace === namespace && selector(p.labels))
      .map(podJson);
    json(res, 200, {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.store.resourceVersion) },
      items,
    });
  }
}

function refuses(r: Refusal, verb: string, resource: string, namespace: string): boolean {
  if (r.status === 401) return true;
  return (
    (!r.verb || r.verb === verb) &&
    (!r.resource || r.resource === resource) &&
    (!r.namespace || r.namespace === namespace)
  );
}
