import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../log';
import type { LogStore } from '../logs/logStore';
import { PodLogStream, type PodLogOptions, type PodLogTarget } from './podLogStream';
import { podSource, selectorSource } from './pods';
import { SelectorLogStream } from './selectorLogStream';

export interface FollowedSource {
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
    const stream = new PodLogStream(
      kc,
      target,
      {
        line: (buf, start, end, time) => this.store.appendBytes(source, buf, start, end, time),
        notice: (text, time, level) => this.store.append(source, text, time, undefined, level),
      },
      this.logger,
      options,
    );
    this.streams.set(source, {
      stream,
      info: {
        source,
        kind: 'pod',
        describe: () => {
          const s = stream.state;
          return s.kind === 'retrying' || s.kind === 'ended' ? `${s.kind}: ${s.message}` : s.kind;
        },
      },
    });
    stream.start();
    return source;
  }

  followSelector(kc: KubeConfig, namespace: string, selector: string, options: PodLogOptions): string {
    const source = selectorSource(namespace, selector);
    if (this.streams.has(source)) return source;
    const stream = new SelectorLogStream(
      kc,
      namespace,
      selector,
      {
        line: (buf, start, end, time, tag) => this.store.appendBytes(source, buf, start, end, time, tag),
        notice: (text, time, level, tag) => this.store.append(source, text, time, tag, level),
      },
      this.logger,
      options,
    );
    this.streams.set(source, {
      stream,
      info: {
        source,
        kind: 'selector',
        describe: () => {
          const s = stream.state;
          const pods = stream.pods();
          return `${'message' in s ? `${s.kind}: ${s.message}` : s.kind}; pods: ${pods.join(', ') || 'none yet'}`;
        },
      },
    });
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
