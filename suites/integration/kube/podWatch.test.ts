import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { PodWatch, type PodWatchState } from '../../../src/core/kube/podWatch';
import { SelectorLogStream } from '../../../src/core/kube/selectorLogStream';
import { loadClusterConfig } from '../../../src/core/kube/config';
import { describePod } from '../../../src/core/kube/pods';
import { Backoff } from '../../../src/core/backoff';
import { waitUntil } from '../support';
import { memoryLogger, standIn } from './kubeHelpers';

describe('kube: PodWatch and selector streams', function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    ({ api, kc } = await standIn());
  });
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((s) => s()));
    await api.close();
  });

  function watch(namespace = 'default', opts: ConstructorParameters<typeof PodWatch>[3] = {}) {
    const logger = memoryLogger();
    const w = new PodWatch(kc, namespace, logger, {
      backoff: new Backoff(20, 200),
      deniedRetryMs: 100,
      ...opts,
    });
    const states: PodWatchState[] = [];
    w.onState((s) => states.push(s));
    stops.push(() => w.stop());
    w.start();
    return { w, states, logger };
  }

  it('lists, then stays live through the watch: added, restarted, deleted', async () => {
    api.addPod('default', 'web-1', { labels: { app: 'web' } });
    const { w } = watch();
    await waitUntil(() => w.state.kind === 'live' && w.list().length === 1);
    api.addPod('default', 'web-2', { containers: ['app', 'sidecar'] });
    await waitUntil(() => w.list().length === 2);
    api.restartPod('default', 'web-1');
    await waitUntil(() => w.list()[0].restarts === 1);
    assert.strictEqual(describePod(w.list()[0]), 'Running · 1/1 ready · 1 restart');
    assert.deepStrictEqual(w.list()[1].containers, ['app', 'sidecar']);
    api.deletePod('default', 'web-1');
    await waitUntil(() => w.list().length === 1);
    // Live by watch, not by polling: one list, one watch so far.
    assert.strictEqual(
      api.requests.filter((r) => r.path.endsWith('/pods') && r.query.watch !== 'true').length,
      1,
    );
  });

  it('a dropped watch resumes from its resourceVersion and misses no change', async () => {
    const { w } = watch();
    await waitUntil(() => w.state.kind === 'live');
    await waitUntil(() => api.requests.some((r) => r.query.watch === 'true'));
    api.dropConnections('watch');
    api.addPod('default', 'during-drop');
    await waitUntil(() => w.list().some((p) => p.name === 'during-drop'));
    const watches = api.requests.filter((r) => r.query.watch === 'true');
    assert.ok(watches.length >= 2);
    assert.ok(watches[watches.length - 1].query.resourceVersion, 'resumed with a resourceVersion');
  });

  it('403 says which namespace and verb, and is logged once, not on every retry', async () => {
    api.refuse({ status: 403, verb: 'list', namespace: 'team' });
    api.addNamespace('team');
    const { w, logger } = watch('team');
    await waitUntil(() => w.state.kind === 'denied');
    assert.match(
      (w.state as { message: string }).message,
      /Not allowed to list pods in namespace "team" \(403 Forbidden\)/,
    );
    // Several retries (every 100 ms here) have happened, each refused again.
    await waitUntil(() => api.requests.filter((r) => r.path.includes('/team/')).length >= 3);
    assert.strictEqual(logger.lines.filter((l) => l.includes('403')).length, 1, logger.lines.join('\n'));
  });

  it('a missing namespace is named as such (404 Status from the API)', async () => {
    const { w } = watch('ghost', { context: 'stand-in' });
    await waitUntil(() => w.state.kind === 'namespaceMissing');
    assert.match(
      (w.state as { message: string }).message,
      /Namespace "ghost" does not exist in context "stand-in"/,
    );
  });

  it('an unreachable cluster: retrying state with backoff, one log line', async () => {
    const { w, states, logger } = watch();
    await waitUntil(() => w.state.kind === 'live');
    await api.close();
    // Every attempt reports its state: wait for several failed ones.
    await waitUntil(() => states.filter((s) => s.kind === 'retrying').length >= 3, 5000);
    assert.match((w.state as { message: string }).message, /Cannot reach the cluster/);
    assert.strictEqual(
      logger.lines.filter((l) => l.includes('Cannot reach')).length,
      1,
      logger.lines.join('\n'),
    );
    api = await FakeKubeApi.start();
  });

  it('a selector stream merges its pods, tags each line, takes in new pods and marks deleted ones', async () => {
    api.addPod('default', 'api-a', { labels: { app: 'api' } });
    api.addPod('default', 'api-b', { labels: { app: 'api' } });
    api.addPod('default', 'other', { labels: { app: 'db' } });
    api.writeLog('default', 'api-a', 'app', ['a1']);
    api.writeLog('default', 'api-b', 'app', ['b1']);
    api.writeLog('default', 'other', 'app', ['never']);
    const lines: { text: string; tag: string; notice?: string }[] = [];
    const s = new SelectorLogStream(
      kc,
      'default',
      'app=api',
      {
        line: (buf, start, end, _time, tag) =>
          void lines.push({ text: buf.toString('utf8', start, end), tag }),
        notice: (text, _time, notice, tag) => void lines.push({ text, tag, notice }),
      },
      memoryLogger(),
      { tailLines: 10, backoff: new Backoff(20, 200) },
    );
    stops.push(() => s.stop());
    s.start();
    const own = () =>
      lines
        .filter((l) => !l.notice)
        .map((l) => `${l.tag}:${l.text}`)
        .sort();
    await waitUntil(() => own().length === 2);
    api.addPod('default', 'api-c', { labels: { app: 'api' } });
    api.writeLog('default', 'api-c', 'app', ['c1']);
    await waitUntil(() => own().length === 3);
    assert.deepStrictEqual(own(), ['api-a:a1', 'api-b:b1', 'api-c:c1']);
    api.deletePod('default', 'api-b');
    await waitUntil(() => lines.some((l) => l.tag === 'api-b' && /was deleted/.test(l.text)));
    assert.deepStrictEqual(s.pods(), ['api-a', 'api-c']);
  });
});

describe('kube: cluster config', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cit-kc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('no kubeconfig anywhere: "no cluster configured" naming the setting', () => {
    const r = loadClusterConfig({ kubeconfig: '', context: '', env: {}, home: dir });
    assert.strictEqual(r.kind, 'noConfig');
    assert.match(
      r.kind === 'noConfig' ? r.message : '',
      /No cluster configured.*codespaceTests\.kube\.kubeconfig/,
    );
  });

  it('a setting pointing nowhere, and a KUBECONFIG of missing files, say so', () => {
    const a = loadClusterConfig({ kubeconfig: join(dir, 'missing'), context: '', env: {}, home: dir });
    assert.match(a.kind === 'noConfig' ? a.message : '', /does not exist/);
    const b = loadClusterConfig({
      kubeconfig: '',
      context: '',
      env: { KUBECONFIG: join(dir, 'x') },
      home: dir,
    });
    assert.match(b.kind === 'noConfig' ? b.message : '', /KUBECONFIG/);
  });

  it('an unknown context lists the ones there are; a broken file is "invalid"', async () => {
    const api = await FakeKubeApi.start();
    try {
      const file = api.writeKubeconfig();
      const ok = loadClusterConfig({ kubeconfig: file, context: '', env: {}, home: dir });
      assert.strictEqual(ok.kind, 'ready');
      assert.strictEqual(ok.kind === 'ready' && ok.context, 'stand-in');
      const wrong = loadClusterConfig({ kubeconfig: file, context: 'prod', env: {}, home: dir });
      assert.match(wrong.kind === 'invalid' ? wrong.message : '', /context "prod".*it has: stand-in/);
      writeFileSync(join(dir, 'bad'), 'clusters: [: :');
      assert.strictEqual(
        loadClusterConfig({ kubeconfig: join(dir, 'bad'), context: '', env: {}, home: dir }).kind,
        'invalid',
      );
      const viaEnv = loadClusterConfig({ kubeconfig: '', context: '', env: { KUBECONFIG: file }, home: dir });
      assert.strictEqual(viaEnv.kind, 'ready');
    } finally {
      await api.close();
    }
  });
});
