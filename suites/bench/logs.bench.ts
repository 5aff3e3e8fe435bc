// Pod log ingestion: lines per second from the API socket into the LogStore through the real
// client's Log stream (PodLogStream), side by side with a bare read of the same socket; then the
// heap after 1,000,000 lines against the ring buffer's bound.
import * as http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi, nsToRfc3339Nano } from '../kube/fakeApiServer';
import { PodLogStream } from '../../src/core/kube/podLogStream';
import { LogStore, LINE_OVERHEAD_BYTES } from '../../src/core/logs/logStore';
import { silentLogger } from '../../src/core/logger';
import { finish, report } from './support';

const LINES = 1_000_000;
const CAPACITY = 100_000;

function bigLog(lines: number): { body: Buffer; maxText: number } {
  const parts: string[] = [];
  let ns = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  let maxText = 0;
  const paths = ['/api/deployments/', '/api/pynodes/7/', '/health/', '/api/models/llama/versions/'];
  for (let i = 0; i < lines; i++) {
    ns += 3_600_000_000_000n / BigInt(lines) + BigInt(i % 1000); // nanosecond clock: most fractions keep nine digits
    const text = `INFO ${i % 7 === 0 ? 'WARNING ' : ''}request ${i} GET ${paths[i % 4]} handled in ${i % 97} ms user=baseten`;
    maxText = Math.max(maxText, text.length);
    parts.push(`${nsToRfc3339Nano(ns)} ${text}\n`);
  }
  return { body: Buffer.from(parts.join('')), maxText };
}

/**
 * The bare read: the same request on a plain socket, the body decoded and cut into line strings
 * (what any consumer of lines must do), no client library and no store. `countOnly` only counts
 * newline bytes, the floor of the socket itself, printed for reference.
 */
function bareRead(api: FakeKubeApi, path: string, countOnly = false): Promise<{ lines: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let lines = 0;
    let carry = '';
    let sink = 0;
    http
      .get(api.url + path, { headers: { Authorization: `Bearer ${api.token}` } }, (res) => {
        if (!countOnly) res.setEncoding('utf8');
        res.on('data', (chunk: Buffer | string) => {
          if (typeof chunk !== 'string') {
            for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
            return;
          }
          let start = 0;
          for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
            const line = carry ? carry + chunk.slice(start, nl) : chunk.slice(start, nl);
            carry = '';
            sink += line.length;
            lines++;
            start = nl + 1;
          }
          carry = chunk.slice(start);
        });
        res.on('end', () => resolve({ lines: lines + (sink < 0 ? 1 : 0), ms: performance.now() - t }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function throughClient(kc: KubeConfig, store: LogStore): Promise<{ lines: number; ms: number }> {
  const source = 'pod/bench/big/app';
  const before = store.size(source) + store.dropped(source);
  const t = performance.now();
  const stream = new PodLogStream(
    kc,
    { namespace: 'bench', pod: 'big', container: 'app' },
    {
      line: (buf, start, end, time) => store.appendBytes(source, buf, start, end, time),
      notice: (text, time, level) => store.append(source, text, time, undefined, level),
    },
    silentLogger,
    { follow: false },
  );
  stream.start();
  const end = await stream.ended;
  if (end.reason !== 'completed') throw new Error(`stream ended: ${end.message}`);
  return { lines: store.size(source) + store.dropped(source) - before, ms: performance.now() - t };
}

async function main(): Promise<void> {
  const api = await FakeKubeApi.start();
  try {
    api.addPod('bench', 'big');
    const { body, maxText } = bigLog(LINES);
    api.setRawLog('bench', 'big', 'app', body);
    const kc = new KubeConfig();
    kc.loadFromFile(api.writeKubeconfig('bench'));
    const path = '/api/v1/namespaces/bench/pods/big/log?container=app&follow=false&timestamps=true';
    console.log(
      `log: ${LINES.toLocaleString()} lines, ${(body.length / 1e6).toFixed(0)} MB, served by the stand-in API over loopback`,
    );

    // Memory first, in a fresh process: heap and buffers before and after 1,000,000 lines into a store
    // of CAPACITY lines per source. Pod lines are kept as bytes of their chunks until read, so the
    // chunks (arrayBuffers, outside the JS heap) count too.
    const gc = (globalThis as { gc?: () => void }).gc;
    const used = () => {
      gc?.();
      gc?.();
      const m = process.memoryUsage();
      return { heap: m.heapUsed, buffers: m.arrayBuffers };
    };
    const before = used();
    const store = new LogStore(CAPACITY);
    await throughClient(kc, store);
    const after = used();
    const held = after.heap - before.heap + (after.buffers - before.buffers);
    const bound = CAPACITY * (LINE_OVERHEAD_BYTES + 2 * maxText);
    const source = 'pod/bench/big/app';
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    console.log(
      `store after ${LINES.toLocaleString()} lines: ${store.size(source).toLocaleString()} kept, ${store.dropped(source).toLocaleString()} dropped`,
    );
    console.log(
      `heap used ${mb(before.heap)} -> ${mb(after.heap)}, buffers ${mb(before.buffers)} -> ${mb(after.buffers)}; held by the store: ${mb(held)}; ` +
        `ring bound: ${mb(bound)} (${CAPACITY.toLocaleString()} lines x (${LINE_OVERHEAD_BYTES} + 2 x ${maxText}) bytes)`,
    );
    const kept = store.size(source);

    // Warm up both paths once, then alternate, keeping the best of five each.
    await bareRead(api, path);
    await throughClient(kc, new LogStore(CAPACITY));
    let bare = Infinity;
    let floor = Infinity;
    let client = Infinity;
    for (let i = 0; i < 5; i++) {
      gc?.();
      const f = await bareRead(api, path, true);
      floor = Math.min(floor, f.ms);
      gc?.();
      const b = await bareRead(api, path);
      if (b.lines !== LINES) throw new Error(`bare read saw ${b.lines} lines`);
      bare = Math.min(bare, b.ms);
      gc?.();
      const c = await throughClient(kc, new LogStore(CAPACITY));
      if (c.lines !== LINES) throw new Error(`client stream stored ${c.lines} lines`);
      client = Math.min(client, c.ms);
    }
    const rate = (ms: number) => LINES / (ms / 1000);
    const fmt = (ms: number) =>
      `${Math.round(rate(ms)).toLocaleString().padStart(10)} lines/s (${ms.toFixed(0)} ms)`;
    console.log(`socket floor (count newline bytes only):     ${fmt(floor)}`);
    console.log(`bare read (same socket, decoded into lines):  ${fmt(bare)}`);
    console.log(`client Log stream -> PodLogStream -> store:  ${fmt(client)}`);
    const r1 = report(
      'pod log ingest rate',
      `${Math.round(rate(client)).toLocaleString()} lines/s (target >= 200,000)`,
      rate(client) >= 200_000,
    );
    const ratio = rate(client) / rate(bare);
    const r2 = report(
      'ingest vs bare read',
      `${ratio.toFixed(2)}x of the bare read (target >= 0.5x); ${(rate(client) / rate(floor)).toFixed(2)}x of the newline-count floor`,
      ratio >= 0.5,
    );

    const r3 = report(
      'memory after 1,000,000 lines',
      `${(held / 1e6).toFixed(1)} MB held <= ${(bound / 1e6).toFixed(1)} MB bound`,
      held <= bound && kept === CAPACITY,
    );
    finish([r1, r2, r3]);
  } finally {
    await api.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
