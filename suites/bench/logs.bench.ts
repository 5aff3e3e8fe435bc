// Pod log ingestion: lines per second from the API socket into the LogStore through the real
// client's Log stream (PodLogStream), side by side with a bare read of the same socket; then the
// heap after 1,000,000 lines against the ring buffer's bound.
import * as http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi, nsToRfc3339Nano } from '../kube/fakeApiServer';
import { PodLogStream } from '../../src/core/kube/podLogStream';
import { LogStore, LINE_OVERHEAD_BYTES } from '../../src/core/logs/logStore';
import { silentLogger } from '../../src/core/log';
import { finish, report } from './support';

const LINES = 1_000_000;
const CAPACITY = 100_000;

function bigLog(lines: number): { body: Buffer; maxText: number } {
  const parts: string[] = [];
  let ns = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  let maxText = 0;
  const paths = ['/api/deployments/', '/api/pynodes/7/', '/health/', '/api/models/llama/versions/'];
  for (let i = 0; i < lines; i++) {
    ns += 3_600_000_000_000n / BigInt(lines);
    const text = `INFO ${i % 7 === 0 ? 'WARNING ' : ''}request ${i} GET ${paths[i % 4]} handled in ${i % 97} ms user=baseten`;
    maxText = Math.max(maxText, text.length);
    parts.push(`${nsToRfc3339Nano(ns)} ${text}\n`);
  }
  return { body: Buffer.from(parts.join('')), maxText };
}

function bareRead(api: FakeKubeApi, path: string): Promise<{ lines: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let lines = 0;
    http
      .get(api.url + path, { headers: { Authorization: `Bearer ${api.token}` } }, (res) => {
        res.on('data', (chunk: Buffer) => {
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () => resolve({ lines, ms: performance.now() - t }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function throughClient(kc: KubeConfig, store: LogStore): Promise<{ lines: number; ms: number }> {
  const source = 'pod/bench/big/app';
  const before = store.size(source) + store.dropped(source);
  const t = performance.now();
  const stream = new PodLogStream(kc, { namespace: 'bench', pod: 'big', container: 'app' }, (l) => store.append(source, l.text, l.time), silentLogger, { follow: false });
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
    console.log(`log: ${LINES.toLocaleString()} lines, ${(body.length / 1e6).toFixed(0)} MB, served by the stand-in API over loopback`);

    // Warm up both paths once, then alternate, keeping the best of three each.
    const gc = (globalThis as { gc?: () => void }).gc;
    await bareRead(api, path);
    await throughClient(kc, new LogStore(CAPACITY));
    let bare = Infinity;
    let client = Infinity;
    let store = new LogStore(CAPACITY);
    for (let i = 0; i < 3; i++) {
      gc?.();
      const b = await bareRead(api, path);
      if (b.lines !== LINES) throw new Error(`bare read saw ${b.lines} lines`);
      bare = Math.min(bare, b.ms);
      store = new LogStore(CAPACITY);
      gc?.();
      const c = await throughClient(kc, store);
      if (c.lines !== LINES) throw new Error(`client stream stored ${c.lines} lines`);
      client = Math.min(client, c.ms);
    }
    const bareRate = LINES / (bare / 1000);
    const clientRate = LINES / (client / 1000);
    console.log(`bare socket read:                ${Math.round(bareRate).toLocaleString()} lines/s (${bare.toFixed(0)} ms)`);
    console.log(`client Log stream -> LogStore:   ${Math.round(clientRate).toLocaleString()} lines/s (${client.toFixed(0)} ms)`);
    const r1 = report('pod log ingest rate', `${Math.round(clientRate).toLocaleString()} lines/s (target >= 200,000)`, clientRate >= 200_000);
    const r2 = report('ingest vs bare read', `${(clientRate / bareRate).toFixed(2)}x of the bare read (target >= 0.5x)`, clientRate / bareRate >= 0.5);

    // Memory: the store that just ingested 1,000,000 lines holds CAPACITY of them.
    gc?.();
    const baseline = (() => {
      const keep = store;
      store = new LogStore(CAPACITY);
      gc?.();
      const withoutStore = process.memoryUsage().heapUsed;
      store = keep;
      return withoutStore;
    })();
    gc?.();
    const heap = process.memoryUsage().heapUsed;
    const held = heap - baseline;
    const bound = CAPACITY * (LINE_OVERHEAD_BYTES + 2 * maxText);
    console.log(`store after ${LINES.toLocaleString()} lines: ${store.size('pod/bench/big/app').toLocaleString()} kept, ${store.dropped('pod/bench/big/app').toLocaleString()} dropped`);
    console.log(`heap used: ${(heap / 1e6).toFixed(1)} MB total; held by the store: ${(held / 1e6).toFixed(1)} MB; ring bound: ${(bound / 1e6).toFixed(1)} MB (${CAPACITY.toLocaleString()} lines x (${LINE_OVERHEAD_BYTES} + 2 x ${maxText}) bytes)`);
    const r3 = report('memory after 1,000,000 lines', `${(held / 1e6).toFixed(1)} MB held <= ${(bound / 1e6).toFixed(1)} MB bound`, held <= bound && store.size('pod/bench/big/app') === CAPACITY);
    finish([r1, r2, r3]);
  } finally {
    await api.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
