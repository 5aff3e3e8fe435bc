// A failing test's evidence from the cluster (issue 26): the stand-in with 20 selected pods (200 lines
// each in the window, 2,000 before it) and 10,000 events (mostly other pods' history, 2% warnings, a
// tenth on a selected pod). Target: the read adds at most 300 ms to a failing test.
import { KubeConfig } from '@kubernetes/client-node';
import { readClusterEvidence } from '../../src/core/kube/testEvidence';
import { FakeKubeApi } from '../kube/fakeApiServer';
import { finish, median, report, timeIt } from './support';

const TARGET_MS = 300;
const PODS = 20;
const EVENTS = 10_000;

async function main(): Promise<void> {
  const api = await FakeKubeApi.start();
  try {
    const now = Date.now();
    const window = { from: now - 10_000, to: now };
    for (let p = 0; p < PODS; p++) {
      const name = `${p % 2 ? 'model' : 'pynode'}-${p}`;
      api.addPod('default', name, { labels: { app: p % 2 ? 'model-deployment' : 'pynode' } });
      const lines = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => `${name} request ${from + i} handled in 12 ms`);
      api.writeLog('default', name, 'app', lines(0, 2000), { at: now - 600_000 });
      api.writeLog('default', name, 'app', lines(2000, 200), { at: now - 5000 });
    }
    for (let i = 0; i < EVENTS; i++) {
      const own = i % 10 === 0;
      const involved = { kind: 'Pod', name: own ? `pynode-${((i / 10) % 10) * 2}` : `cron-${i % 300}` };
      const warning = i % 50 === 0;
      const first = now - (i % 100 === 0 ? 3000 : 3_000_000 + i * 100);
      api.addEvent({
        namespace: 'default',
        involved,
        reason: warning ? 'BackOff' : 'Pulled',
        message: `event ${i}`,
        type: warning ? 'Warning' : 'Normal',
        first,
      });
    }
    const kc = new KubeConfig();
    kc.loadFromFile(api.writeKubeconfig());
    const request = {
      cluster: { kind: 'ready' as const, kc, context: 'stand-in', server: api.url, file: '' },
      namespaces: ['default'],
      selectors: ['app=pynode', 'app=model-deployment'],
      window,
    };
    const first = await readClusterEvidence(request);
    if (process.env.BENCH_DEBUG) console.log(first.notes, api.requests.length);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(await timeIt(() => readClusterEvidence(request)));
    const ms = median(runs);
    finish([
      report(
        'cluster evidence of a failing test',
        `${Math.round(ms)} ms median of 5 (runs ${runs.map(Math.round).join(', ')}; first ${first.lines.length} lines, ${first.notes.length} notes) for ${PODS} pods and ${api.eventCount} events, target ${TARGET_MS} ms`,
        ms <= TARGET_MS,
      ),
    ]);
  } finally {
    await api.close();
  }
}
void main();
