import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logger';
import { PodLogStream, type NoticeLevel, type PodLogOptions } from './podLogStream';
import { PodWatch, type PodWatchState } from './podWatch';

/** A selector's sink: like a pod's, with the pod each line came from. */
export interface TaggedLineSink {
  line(buf: Buffer, start: number, end: number, time: number, tag: string): void;
  notice(text: string, time: number, level: NoticeLevel, tag: string): void;
}

/**
 * All pods matching a label selector (a deployment's replicas), merged into one stream with each
 * line tagged by its pod. Pods that appear later join with their whole log; pods that go away end
 * their part with a visible line.
 */
export class SelectorLogStream {
  private readonly watch: PodWatch;
  private readonly streams = new Map<string, PodLogStream>();
  private live = false;
  private stopped = false;

  constructor(
    private readonly kc: KubeConfig,
    readonly namespace: string,
    readonly selector: string,
    private readonly sink: TaggedLineSink,
    private readonly logger: Logger,
    private readonly options: PodLogOptions & { deniedRetryMs?: number } = {},
  ) {
    this.watch = new PodWatch(kc, namespace, logger, {
      labelSelector: selector,
      context: options.context,
      server: options.server,
      deniedRetryMs: options.deniedRetryMs,
    });
  }

  get state(): PodWatchState {
    return this.watch.state;
  }

  pods(): string[] {
    return [...this.streams.keys()].sort();
  }

  onState(l: (s: PodWatchState) => void): { dispose(): void } {
    return this.watch.onState(l);
  }

  start(): this {
    this.watch.onState((s) => {
      if (s.kind === 'live') this.live = true;
    });
    this.watch.onEvent(({ type, pod }) => {
      if (this.stopped) return;
      const existing = this.streams.get(pod.name);
      if (type === 'DELETED') {
        existing?.podDeleted();
        return;
      }
      if (existing || !pod.defaultContainer || pod.terminating) return;
      // Pods there from the start get the configured history; pods that join later get all of theirs.
      const opts: PodLogOptions = this.live
        ? { ...this.options, tailLines: undefined, sinceSeconds: undefined }
        : this.options;
      const stream = new PodLogStream(
        this.kc,
        { namespace: this.namespace, pod: pod.name, container: pod.defaultContainer },
        {
          line: (buf, start, end, time) => this.sink.line(buf, start, end, time, pod.name),
          notice: (text, time, level) => this.sink.notice(text, time, level, pod.name),
        },
        this.logger,
        opts,
      );
      this.streams.set(pod.name, stream);
      this.sink.notice(
        `── following pod ${pod.name} (container ${pod.defaultContainer}) ──`,
        Date.now(),
        'info',
        pod.name,
      );
      void stream.ended.then(() => {
        if (this.streams.get(pod.name) === stream) this.streams.delete(pod.name);
      });
      stream.start();
    });
    this.watch.start();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watch.stop();
    await Promise.all([...this.streams.values()].map((s) => s.stop()));
    this.streams.clear();
  }
}
