import { Writable } from 'node:stream';
import { Log, type KubeConfig, type LogOptions } from '@kubernetes/client-node';
import type { LineSplitter } from '../lines/lineSplitter';

export interface PodLogTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** How one request's body ended: read to its end, broken by the network, or broken on purpose. */
export type LogRequestOutcome = { kind: 'ended' } | { kind: 'dropped' } | { kind: 'aborted' };

interface LogRequest {
  kc: KubeConfig;
  target: PodLogTarget;
  options: LogOptions;
  /** Gets the body's bytes; flushed when the body ends, its partial line dropped when it breaks. */
  splitter: LineSplitter;
  /** True when a broken body is our own doing (stopped, pod deleted) rather than a drop. */
  stopping(): boolean;
  /** The request's abort handle, as soon as the client has one. */
  started(controller: AbortController): void;
}

/** One request through the client's Log class; settles with how the body ended, rejects when the request fails. */
export function readLog(r: LogRequest): Promise<LogRequestOutcome> {
  const { namespace, pod, container } = r.target;
  return new Promise<LogRequestOutcome>((resolve, reject) => {
    let settled = false;
    const settle = (o: LogRequestOutcome) => {
      if (settled) return;
      settled = true;
      if (o.kind === 'ended') r.splitter.flush();
      else r.splitter.discardPartial();
      resolve(o);
    };
    const body = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        r.splitter.write(chunk);
        cb();
      },
    });
    // The client pipes the body into the sink, and a broken body never ends the sink: watch the body itself.
    body.on('pipe', (source: NodeJS.ReadableStream) => {
      let sawEnd = false;
      source.once('end', () => (sawEnd = true));
      source.once('error', () => settle(r.stopping() ? { kind: 'aborted' } : { kind: 'dropped' }));
      source.once('close', () => sawEnd || settle({ kind: 'dropped' }));
    });
    body.on('finish', () => settle({ kind: 'ended' }));
    new Log(r.kc).log(namespace, pod, container, body, r.options).then(
      (c) => {
        r.started(c);
        if (r.stopping()) c.abort();
      },
      (e) => {
        settled = true;
        reject(e);
      },
    );
  });
}
