// Pod watches: a bounded history of events to replay from a resourceVersion (410 Expired when it
// is too old), then every change to watchers of that namespace as one JSON object per line.
import type * as http from 'node:http';
import { parseSelector, type Selector } from './labelSelector';
import { podJson, type FakePod, type PodChange } from './podModel';
import { statusJson, type StreamingConnections } from './responses';

interface WatchEvent {
  rv: number;
  namespace: string;
  type: PodChange;
  object: unknown;
}

export class WatchStreams {
  private readonly events: WatchEvent[] = [];
  private readonly watchers = new Set<{ res: http.ServerResponse; namespace: string; selector: Selector }>();

  constructor(private readonly streaming: StreamingConnections) {}

  emit(pod: FakePod, type: PodChange): void {
    const object = podJson(pod);
    const event: WatchEvent = { rv: pod.resourceVersion, namespace: pod.namespace, type, object };
    this.events.push(event);
    if (this.events.length > 1000) this.events.shift();
    for (const w of this.watchers) {
      if (w.namespace === pod.namespace && w.selector(pod.labels))
        w.res.write(JSON.stringify({ type, object }) + '\n');
    }
  }

  /** Answers a watch request; `currentRv` is where a watch without resourceVersion starts. */
  serve(res: http.ServerResponse, namespace: string, query: Record<string, string>, currentRv: number): void {
    const selector = parseSelector(query.labelSelector);
    const since = Number(query.resourceVersion ?? currentRv);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const oldest = this.events[0]?.rv ?? currentRv;
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
}

function labelsOf(object: unknown): Record<string, string> {
  return ((object as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {}) as Record<
    string,
    string
  >;
}
