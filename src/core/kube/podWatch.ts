import { CoreV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { CancelSource, pause } from '../cancel';
import { Emitter } from '../events';
import type { Logger } from '../logger';
import { Backoff } from '../backoff';
import { describeKubeError, sameProblem, type KubeProblem } from './errors';
import { summarizePod, type PodSummary } from './pods';

/** Where the watch of one namespace stands; shown in the Pods view. */
export type PodWatchState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'retrying'; message: string; retryInMs: number }
  | { kind: 'denied'; message: string }
  | { kind: 'namespaceMissing'; message: string }
  | { kind: 'stopped' };

export type PodEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: PodSummary };

interface PodWatchOptions {
  labelSelector?: string;
  context?: string;
  server?: string;
  /** Wait before retrying after a refusal (401/403) or a missing namespace: slow, it rarely fixes itself. */
  deniedRetryMs?: number;
  backoff?: Backoff;
}

/**
 * The pods of one namespace, kept live by list-then-watch (never polling). A dropped watch resumes
 * from the last resourceVersion; an expired one (410) lists again; an unreachable cluster is retried
 * with backoff, and each state change is logged once, not on every attempt.
 */
export class PodWatch {
  private readonly pods = new Map<string, PodSummary>();
  private readonly podEvents = new Emitter<PodEvent>();
  private readonly stateChanged = new Emitter<PodWatchState>();
  private readonly stopRequested = new CancelSource();
  private readonly backoff: Backoff;
  private watchController: AbortController | undefined;
  private current: PodWatchState = { kind: 'connecting' };
  private running: Promise<void> | undefined;

  constructor(
    private readonly kc: KubeConfig,
    readonly namespace: string,
    private readonly logger: Logger,
    private readonly options: PodWatchOptions = {},
  ) {
    this.backoff = options.backoff ?? new Backoff();
  }

  get state(): PodWatchState {
    return this.current;
  }

  list(): PodSummary[] {
    return [...this.pods.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  onEvent(l: (e: PodEvent) => void): { dispose(): void } {
    return this.podEvents.event(l);
  }

  onState(l: (s: PodWatchState) => void): { dispose(): void } {
    return this.stateChanged.event(l);
  }

  start(): void {
    this.running ??= this.run().catch((e) =>
      this.logger.error(`pod watch of ${this.namespace} stopped: ${(e as Error).message}`),
    );
  }

  async stop(): Promise<void> {
    this.stopRequested.cancel();
    this.watchController?.abort();
    await this.running;
    this.setState({ kind: 'stopped' });
  }

  private async run(): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const token = this.stopRequested.token;
    while (!token.isCancellationRequested) {
      let resourceVersion: string;
      try {
        const list = await core.listNamespacedPod({
          namespace: this.namespace,
          labelSelector: this.options.labelSelector,
        });
        if (token.isCancellationRequested) return;
        resourceVersion = list.metadata?.resourceVersion ?? '';
        this.replaceAll(list.items.map((p) => summarizePod(p, this.namespace)));
        if (!list.items.length && (await this.namespaceMissing(core))) continue;
      } catch (e) {
        await this.failed(describeKubeError(e, this.action('list')));
        continue;
      }
      this.setState({ kind: 'live' });
      // Watch until it ends; a clean end resumes from the last resourceVersion without listing again.
      for (;;) {
        const outcome = await this.watchOnce(resourceVersion, (rv) => (resourceVersion = rv));
        if (token.isCancellationRequested) return;
        if (outcome.kind === 'closed' && outcome.events > 0) {
          this.backoff.reset();
          continue;
        }
        if (outcome.kind === 'closed') {
          // Closed at once with nothing: do not spin; back off a little, then watch again.
          await pause(this.backoff.next(), token);
          continue;
        }
        if (outcome.kind === 'expired') break;
        await this.failed(describeKubeError(outcome.error, this.action('watch')));
        break;
      }
    }
  }

  private watchOnce(
    resourceVersion: string,
    seen: (rv: string) => void,
  ): Promise<{ kind: 'closed'; events: number } | { kind: 'expired' } | { kind: 'error'; error: unknown }> {
    return new Promise((resolve) => {
      let events = 0;
      let expired = false;
      const watch = new Watch(this.kc);
      const query: Record<string, string | boolean> = { allowWatchBookmarks: true };
      if (resourceVersion) query.resourceVersion = resourceVersion;
      if (this.options.labelSelector) query.labelSelector = this.options.labelSelector;
      watch
        .watch(
          `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods`,
          query,
          (type, obj) => {
            const rv = (obj as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
            if (type === 'ERROR') {
              if ((obj as { code?: number })?.code === 410) expired = true;
              return;
            }
            if (rv) seen(rv);
            if (type === 'BOOKMARK') return;
            events++;
            this.apply(type as PodEvent['type'], summarizePod(obj, this.namespace));
          },
          (err) => {
            if (expired) resolve({ kind: 'expired' });
            else if (err && !this.stopRequested.token.isCancellationRequested && !isPrematureClose(err))
              resolve({ kind: 'error', error: err });
            else resolve({ kind: 'closed', events });
          },
        )
        .then((c) => {
          this.watchController = c;
          if (this.stopRequested.token.isCancellationRequested) c.abort();
        })
        .catch((error) => resolve({ kind: 'error', error }));
    });
  }

  private async namespaceMissing(core: CoreV1Api): Promise<boolean> {
    try {
      await core.readNamespace({ name: this.namespace });
      return false;
    } catch (e) {
      const problem = describeKubeError(e, this.action('get', 'namespaces'));
      // Without permission to read namespaces, an empty list is all we can say.
      if (problem.kind !== 'notFound') return false;
      const message = `Namespace "${this.namespace}" does not exist in context "${this.options.context ?? 'current'}". Create it or change codespaceTests.kube.namespaces.`;
      this.pods.clear();
      this.setState({ kind: 'namespaceMissing', message });
      await pause(this.options.deniedRetryMs ?? 30_000, this.stopRequested.token);
      return true;
    }
  }

  private async failed(problem: KubeProblem): Promise<void> {
    if (this.stopRequested.token.isCancellationRequested) return;
    if (problem.kind === 'unauthorized' || problem.kind === 'forbidden') {
      this.setState({ kind: 'denied', message: problem.message });
      await pause(this.options.deniedRetryMs ?? 30_000, this.stopRequested.token);
      return;
    }
    const retryInMs = problem.kind === 'gone' ? 0 : this.backoff.next();
    this.setState({ kind: 'retrying', message: problem.message, retryInMs });
    await pause(retryInMs, this.stopRequested.token);
  }

  private replaceAll(pods: PodSummary[]): void {
    const fresh = new Map(pods.map((p) => [p.name, p]));
    for (const [name, old] of this.pods) if (!fresh.has(name)) this.apply('DELETED', old);
    for (const p of pods) this.apply(this.pods.has(p.name) ? 'MODIFIED' : 'ADDED', p);
  }

  private apply(type: PodEvent['type'], pod: PodSummary): void {
    if (type === 'DELETED') this.pods.delete(pod.name);
    else this.pods.set(pod.name, pod);
    this.podEvents.fire({ type, pod });
  }

  private setState(s: PodWatchState): void {
    const same =
      s.kind === this.current.kind &&
      sameProblem('message' in s ? s.message : '', 'message' in this.current ? this.current.message : '');
    this.current = s;
    if (s.kind === 'live') this.backoff.reset();
    if (!same) {
      if ('message' in s) this.logger.warn(`pods of ${this.namespace}: ${s.message}`);
      else this.logger.info(`pods of ${this.namespace}: ${s.kind}`);
    }
    this.stateChanged.fire(s);
  }

  private action(verb: string, resource = 'pods') {
    return {
      verb,
      resource,
      namespace: this.namespace,
      context: this.options.context,
      server: this.options.server,
    };
  }
}

function isPrematureClose(err: unknown): boolean {
  return (err as { code?: string })?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}
