import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logger';
import type { LogStore } from '../logs/logStore';
import { PodLogStream, type LineSink, type PodLogOptions, type PodLogTarget } from './podLogStream';
import { podSource, selectorSource } from './pods';
import { SelectorLogStream, type TaggedLineSink } from './selectorLogStream';

interface FollowedSource {
  source: string;
  kind: 'pod' | 'selector';
  /** Short words for the state: following, retrying (why), ended (why). */
  describe(): string;
}

/**
 * The pod log streams being followed, each writing into the LogStore under its source name
 * (`pod/<ns>/<pod>/<container>`, `selector/<ns>/<selector>` with the pod as tag).
 * Following the same source twice keeps the one stream.
 */
export class LogFollowers {
  private readonly streams = new Map<
    string,
    { stream: PodLogStream | SelectorLogStream; info: FollowedSource }
  >();

  constructor(
    private readonly store: LogStore,
    private readonly logger: Logger,
  ) {}

  followPod(kc: KubeConfig, target: PodLogTarget, options: PodLogOptions): string {
    const source = podSource(target.namespace, target.pod, target.container);
    const existing = this.streams.get(source);
    if (existing && !(existing.stream instanceof PodLogStream && existing.stream.state.kind === 'ended'))
      return source;
    const stream = new PodLogStream(kc, target, this.sinkFor(source), this.logger, options);
    return this.add(source, stream, 'pod', () => {
      const s = stream.state;
      return s.kind === 'retrying' || s.kind === 'ended' ? `${s.kind}: ${s.message}` : s.kind;
    });
  }

  followSelector(kc: KubeConfig, namespace: string, selector: string, options: PodLogOptions): string {
    const source = selectorSource(namespace, selector);
    if (this.streams.has(source)) return source;
    const stream = new SelectorLogStream(kc, namespace, selector, this.sinkFor(source), this.logger, options);
    return this.add(source, stream, 'selector', () => {
      const s = stream.state;
      const pods = stream.pods();
      return `${'message' in s ? `${s.kind}: ${s.message}` : s.kind}; pods: ${pods.join(', ') || 'none yet'}`;
    });
  }

  /** Lines go into the store under the source name; a selector stream's lines carry their pod as tag. */
  private sinkFor(source: string): LineSink & TaggedLineSink {
    return {
      line: (buf, start, end, time, tag?: string) =>
        this.store.appendBytes(source, buf, start, end, time, tag),
      notice: (text, time, level, tag?: string) => this.store.append(source, text, time, tag, level),
    };
  }

  private add(
    source: string,
    stream: PodLogStream | SelectorLogStream,
    kind: FollowedSource['kind'],
    describe: () => string,
  ): string {
    this.streams.set(source, { stream, info: { source, kind, describe } });
    stream.start();
    return source;
  }

  /** The pod watch saw a pod deleted: its followed streams end now with a visible line. */
  podDeleted(namespace: string, pod: string): void {
    const prefix = `pod/${namespace}/${pod}/`;
    for (const [source, { stream }] of this.streams)
      if (source.startsWith(prefix) && stream instanceof PodLogStream) stream.podDeleted();
  }

  list(): FollowedSource[] {
    return [...this.streams.values()].map((s) => s.info);
  }

  async stop(source: string): Promise<void> {
    const s = this.streams.get(source);
    this.streams.delete(source);
    await s?.stream.stop();
  }

  async stopAll(): Promise<void> {
    const all = [...this.streams.values()];
    this.streams.clear();
    await Promise.all(all.map((s) => s.stream.stop()));
  }
}
