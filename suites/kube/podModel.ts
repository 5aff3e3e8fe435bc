// The stand-in's state: namespaces, pods whose containers keep one instance per (re)start with its
// log lines, the resourceVersion counter, and the Pod JSON the API answers with.
import type * as http from 'node:http';

export interface LogEntry {
  ns: bigint;
  ts: string;
  /** The bytes of the line without the newline (may be invalid UTF-8 on purpose). */
  body: Buffer;
}

export interface ContainerInstance {
  id: string;
  startedAt: string;
  lines: LogEntry[];
  terminated: boolean;
  /** How the instance ended, when it was restarted with a reason (the pod's `lastState.terminated`). */
  exit?: ContainerExit;
  followers: Set<http.ServerResponse>;
}

/** Why a container instance ended: what the kubelet reports in `lastState.terminated`. */
export interface ContainerExit {
  reason: 'OOMKilled' | 'Error' | 'Completed';
  exitCode: number;
  finishedAt: string;
}

/** The controller that owns a pod (`metadata.ownerReferences`), e.g. a ReplicaSet or a Job. */
export interface PodOwner {
  kind: string;
  name: string;
  uid: string;
}

export interface FakeContainer {
  name: string;
  restartCount: number;
  instances: ContainerInstance[];
  /** A pre-rendered body served for non-follow requests (the benchmark's large log). */
  raw?: Buffer;
}

export interface FakePod {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  creationTimestamp: string;
  resourceVersion: number;
  containers: FakeContainer[];
  owner?: PodOwner;
  /** Unset: Running and Ready. Set by setReady (Check Codespace's tests). */
  readiness?: { ready: boolean; phase: string };
}

export type PodChange = 'ADDED' | 'MODIFIED' | 'DELETED';

export class PodStore {
  readonly namespaces = new Set<string>(['default']);
  private readonly pods = new Map<string, FakePod>();
  private rv = 100;
  private lastNs = 0n;
  private idCounter = 0;

  /** `onChange` hears every added, restarted or deleted pod (the watch streams). */
  constructor(private readonly onChange: (pod: FakePod, type: PodChange) => void) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** One counter for pod uids, container ids and kubeconfig file names. */
  nextId(): number {
    return ++this.idCounter;
  }

  addPod(
    namespace: string,
    name: string,
    opts: { labels?: Record<string, string>; containers?: string[]; owner?: PodOwner },
  ): void {
    this.namespaces.add(namespace);
    const pod: FakePod = {
      namespace,
      name,
      uid: `uid-${name}-${this.nextId()}`,
      labels: opts.labels ?? {},
      owner: opts.owner,
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      resourceVersion: ++this.rv,
      containers: (opts.containers ?? ['app']).map((c) => ({
        name: c,
        restartCount: 0,
        instances: [this.newInstance()],
      })),
    };
    this.pods.set(key(namespace, name), pod);
    this.onChange(pod, 'ADDED');
  }

  restartPod(namespace: string, pod: string, exit?: Omit<ContainerExit, 'finishedAt'>): void {
    const p = this.pod(namespace, pod);
    for (const c of p.containers) {
      const old = c.instances[c.instances.length - 1];
      old.terminated = true;
      old.exit = {
        ...(exit ?? { reason: 'Completed', exitCode: 0 }),
        finishedAt: rfc3339Seconds(Date.now()),
      };
      for (const res of old.followers) res.end();
      old.followers.clear();
      c.restartCount++;
      c.instances.push(this.newInstance());
    }
    p.resourceVersion = ++this.rv;
    this.onChange(p, 'MODIFIED');
  }

  setReady(namespace: string, pod: string, ready: boolean, phase: string): void {
    const p = this.pod(namespace, pod);
    p.readiness = { ready, phase };
    p.resourceVersion = ++this.rv;
    this.onChange(p, 'MODIFIED');
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
    this.onChange(p, 'DELETED');
  }

  /** The pod, or undefined: what a request for it finds. */
  find(namespace: string, name: string): FakePod | undefined {
    return this.pods.get(key(namespace, name));
  }

  all(): FakePod[] {
    return [...this.pods.values()];
  }

  /** The pod; a test naming one that does not exist is a mistake in the test. */
  pod(namespace: string, name: string): FakePod {
    const p = this.pods.get(key(namespace, name));
    if (!p) throw new Error(`stand-in: no pod ${namespace}/${name}`);
    return p;
  }

  container(namespace: string, pod: string, container: string): FakeContainer {
    const c = this.pod(namespace, pod).containers.find((x) => x.name === container);
    if (!c) throw new Error(`stand-in: no container ${container} in ${namespace}/${pod}`);
    return c;
  }

  current(namespace: string, pod: string, container: string): ContainerInstance {
    const c = this.container(namespace, pod, container);
    return c.instances[c.instances.length - 1];
  }

  nextNs(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    // Strictly increasing, ~1 µs apart when written in a burst; some land in the same second as resumes ask for.
    this.lastNs = now > this.lastNs ? now : this.lastNs + 1000n;
    return this.lastNs;
  }

  private newInstance(): ContainerInstance {
    return {
      id: `containerd://${this.nextId().toString(16).padStart(12, '0')}`,
      startedAt: rfc3339Seconds(Date.now()),
      lines: [],
      terminated: false,
      followers: new Set(),
    };
  }
}

/** metav1.Time on the wire: RFC3339 in whole seconds. */
export function rfc3339Seconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function podJson(p: FakePod): object {
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
      ...(p.owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', ...p.owner, controller: true, blockOwnerDeletion: true },
            ],
          }
        : {}),
    },
    spec: { containers: p.containers.map((c) => ({ name: c.name, image: `example/${c.name}:1` })) },
    status: {
      phase: p.readiness?.phase ?? 'Running',
      startTime: p.creationTimestamp,
      conditions: [{ type: 'Ready', status: p.readiness?.ready === false ? 'False' : 'True' }],
      containerStatuses: p.containers.map((c) => {
        const inst = c.instances[c.instances.length - 1];
        const last = c.instances[c.instances.length - 2];
        return {
          name: c.name,
          ready: !inst.terminated && p.readiness?.ready !== false,
          restartCount: c.restartCount,
          image: `example/${c.name}:1`,
          imageID: '',
          containerID: inst.id,
          started: true,
          state: inst.terminated
            ? { terminated: { exitCode: 0, reason: 'Completed' } }
            : { running: { startedAt: inst.startedAt } },
          lastState: last?.exit
            ? {
                terminated: {
                  exitCode: last.exit.exitCode,
                  reason: last.exit.reason,
                  startedAt: last.startedAt,
                  finishedAt: last.exit.finishedAt,
                  containerID: last.id,
                },
              }
            : {},
        };
      }),
    },
  };
}
