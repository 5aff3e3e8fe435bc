import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { Limiter } from '../limiter';
import type { TestWindow } from '../pytest/testLogs';
import type { ClusterConfig } from './config';
import { eventInWindow, eventLine, pickEvents } from './clusterEventLines';
import { restartsInWindow, type ContainerRestart } from './containerRestarts';
import { EvidenceNotes } from './evidenceNotes';
import { podSource } from './pods';
import { requestOptions } from './requestOptions';
import { linesInWindow, sinceTimeOf, type EvidenceLine } from './windowLogs';

export type { ContainerRestart } from './containerRestarts';
export type { EvidenceLine } from './windowLogs';
export { EVENTS_SOURCE } from './clusterEventLines';

interface EvidenceLimits {
  /** Lines kept per pod container (the newest of the window). */
  linesPerPod: number;
  /** Bytes of pod log read in all, shared evenly by the containers (the server cuts each at its share). */
  totalBytes: number;
  /** Events kept, warnings before the others. */
  events: number;
}

const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  linesPerPod: 200,
  totalBytes: 512 * 1024,
  events: 100,
};

export interface EvidenceRequest {
  cluster: ClusterConfig;
  namespaces: readonly string[];
  /** Label selectors of the pods whose logs count (pynode, the models, configured ones); a pod matching any. */
  selectors: readonly string[];
  window: TestWindow;
  limits?: Partial<EvidenceLimits>;
  /** The result comes within this, with what arrived by then (default 2 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Requests in flight at once (default 8). */
  parallel?: number;
}

/** A failing test's evidence from the cluster: lines in time order, stopped containers, and what is missing and why. */
interface ClusterEvidence {
  lines: EvidenceLine[];
  restarts: ContainerRestart[];
  notes: string[];
}

/** Event pages of 500, at most 4 per listing: a namespace with years of events costs a bounded read. */
const EVENT_PAGE = 500;
const EVENT_PAGES = 4;

/** The selectors of the pods a test talks to: pynode, the models, then any configured ones, each once. */
export function evidenceSelectors(
  s: { pynodeSelector: string; modelSelector: string },
  extra: readonly string[] = [],
) {
  return [...new Set([s.pynodeSelector, s.modelSelector, ...extra].map((x) => x.trim()).filter(Boolean))];
}

/**
 * Reads what the cluster says about a test's window: the log lines of the selected pods (server-side
 * `sinceTime`, `timestamps`, `limitBytes`; cut at the window's end), the Events of the namespaces, and
 * containers that stopped. Never takes longer than `timeoutMs`: what has not arrived by then is named in
 * a note. Never throws: a missing kubeconfig or an unreachable cluster is a note too.
 */
export async function readClusterEvidence(req: EvidenceRequest): Promise<ClusterEvidence> {
  if (req.cluster.kind !== 'ready')
    return { lines: [], restarts: [], notes: [`No evidence from the cluster: ${req.cluster.message}`] };
  const timeoutMs = req.timeoutMs ?? 2000;
  const stop = new AbortController();
  const notes = new EvidenceNotes(req.cluster.server);
  const timer = setTimeout(() => {
    notes.timedOut(timeoutMs);
    stop.abort();
  }, timeoutMs);
  const cancel = () => {
    notes.cancelled();
    stop.abort();
  };
  if (req.signal?.aborted) cancel();
  req.signal?.addEventListener('abort', cancel, { once: true });
  const stopped = new Promise<void>((r) => stop.signal.addEventListener('abort', () => r(), { once: true }));
  const reading = new EvidenceReading(req, req.cluster.kc.makeApiClient(CoreV1Api), stop.signal, notes);
  try {
    await Promise.race([reading.read(), stopped]);
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', cancel);
    // Whatever is still in flight ends now; what it brings later is not wanted.
    stop.abort();
  }
  return reading.result();
}

class EvidenceReading {
  private readonly limits: EvidenceLimits;
  private readonly limiter: Limiter;
  private readonly podLines: EvidenceLine[] = [];
  private readonly eventLines: EvidenceLine[] = [];
  private readonly restarts: ContainerRestart[] = [];
  private done = false;

  constructor(
    private readonly req: EvidenceRequest,
    private readonly api: CoreV1Api,
    private readonly signal: AbortSignal,
    private readonly notes: EvidenceNotes,
  ) {
    this.limits = { ...DEFAULT_EVIDENCE_LIMITS, ...req.limits };
    this.limiter = new Limiter(req.parallel ?? 8);
  }

  async read(): Promise<void> {
    const { namespaces } = this.req;
    const warnings = namespaces.map((ns) =>
      this.events(ns, 'type=Warning', `Warning events of namespace ${ns}`),
    );
    const pods = (await Promise.all(namespaces.map((ns) => this.pods(ns)))).flat();
    if (this.signal.aborted) return;
    const logs: { pod: V1Pod; container: string; previous: boolean }[] = [];
    for (const pod of pods) {
      const restarted = restartsInWindow(pod, this.req.window);
      this.restarts.push(...restarted);
      for (const c of pod.spec?.containers ?? []) {
        // The stopped instance's last words are in its own log, before the current one's.
        if (restarted.some((r) => r.container === c.name && r.now.kind !== 'terminated'))
          logs.push({ pod, container: c.name, previous: true });
        logs.push({ pod, container: c.name, previous: false });
      }
    }
    const share = Math.max(1, Math.floor(this.limits.totalBytes / Math.max(1, logs.length)));
    const bodies = Promise.all(logs.map((l) => this.log(l.pod, l.container, l.previous, share)));
    await Promise.all([
      ...warnings,
      // Pushed in request order, so a restarted container's lines stay in order where stamps tie.
      bodies.then((all) => this.done || all.forEach((lines) => this.podLines.push(...lines))),
      ...pods.map((p) => {
        const name = p.metadata?.name ?? '';
        const ns = p.metadata?.namespace ?? '';
        return this.events(
          ns,
          `involvedObject.kind=Pod,involvedObject.name=${name},type!=Warning`,
          `events of pod ${ns}/${name}`,
        );
      }),
    ]);
  }

  result(): ClusterEvidence {
    this.done = true;
    const events = pickEvents(this.eventLines, this.limits.events);
    if (events.leftOut)
      this.notes.add(
        `${events.leftOut} events of the window left out (${events.lines.length} kept, warnings first).`,
      );
    const lines = [...this.podLines, ...events.lines].sort((a, b) => a.time - b.time);
    return { lines, restarts: this.restarts, notes: this.notes.list() };
  }

  /** The pods of a namespace matching any selector, each once. */
  private async pods(namespace: string): Promise<V1Pod[]> {
    const what = `pods of namespace ${namespace}`;
    const lists = await Promise.all(
      this.req.selectors.map((labelSelector) =>
        this.call(what, 'list', 'pods', namespace, () =>
          this.api.listNamespacedPod({ namespace, labelSelector }, requestOptions(this.signal)),
        ),
      ),
    );
    const byUid = new Map<string, V1Pod>();
    for (const list of lists)
      for (const p of list?.items ?? []) byUid.set(p.metadata?.uid ?? p.metadata?.name ?? '', p);
    return [...byUid.values()];
  }

  private async log(
    pod: V1Pod,
    container: string,
    previous: boolean,
    limitBytes: number,
  ): Promise<EvidenceLine[]> {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const source = podSource(namespace, name, container);
    const body = await this.call(
      `log of ${source}${previous ? ' (before its restart)' : ''}`,
      'get',
      'pods/log',
      namespace,
      () =>
        this.api.readNamespacedPodLog(
          { name, namespace, container, timestamps: true, limitBytes, previous: previous || undefined },
          requestOptions(this.signal, { sinceTime: sinceTimeOf(this.req.window) }),
        ),
    );
    if (body === undefined || this.done) return [];
    const got = linesInWindow(body, source, this.req.window, {
      maxLines: this.limits.linesPerPod,
      limitBytes,
    });
    if (got.leftOut) this.notes.linesLeftOut(source, got.leftOut, got.lines.length);
    if (got.cutAtBytes) this.notes.cutAtBytes(source, limitBytes);
    return got.lines;
  }

  /** Events matching `fieldSelector` that occurred in the window, page by page (the API cannot filter by time). */
  private async events(namespace: string, fieldSelector: string, what: string): Promise<void> {
    let token: string | undefined;
    for (let page = 0; page < EVENT_PAGES; page++) {
      const list = await this.call(what, 'list', 'events', namespace, () =>
        this.api.listNamespacedEvent(
          { namespace, fieldSelector, limit: EVENT_PAGE, _continue: token },
          requestOptions(this.signal),
        ),
      );
      if (!list || this.done) return;
      for (const e of list.items)
        if (eventInWindow(e, this.req.window)) this.eventLines.push(eventLine(e, this.req.window));
      token = list.metadata?._continue;
      if (!token) return;
    }
    this.notes.add(`Only the first ${EVENT_PAGE * EVENT_PAGES} ${what} were read.`);
  }

  /** One request through the limiter; its failure becomes a note, its absence at the deadline too. */
  private async call<T>(
    what: string,
    verb: string,
    resource: string,
    namespace: string,
    request: () => Promise<T>,
  ): Promise<T | undefined> {
    const token = this.notes.started(what);
    try {
      return await this.limiter.run(() => (this.signal.aborted ? Promise.resolve(undefined) : request()));
    } catch (e) {
      if (!this.signal.aborted) this.notes.failed(e, { verb, resource, namespace });
      return undefined;
    } finally {
      if (!this.signal.aborted) this.notes.finished(token);
    }
  }
}
