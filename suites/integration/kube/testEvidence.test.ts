import * as assert from 'node:assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { loadClusterConfig, type ClusterConfig } from '../../../src/core/kube/config';
import {
  readClusterEvidence,
  EVENTS_SOURCE,
  type EvidenceRequest,
} from '../../../src/core/kube/testEvidence';
import { numbered, standIn } from './kubeHelpers';

describe('kube: cluster evidence of a failing test (through the real client against the stand-in)', function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;
  // A window in the past, starting half a second into a second: the server's sinceTime is coarser.
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000 + 500;
  const window = { from: t0, to: t0 + 2000 };

  beforeEach(async () => {
    ({ api, kc } = await standIn());
    api.addPod('default', 'pynode-1', { labels: { app: 'pynode' } });
  });
  afterEach(() => api.close());

  function ready(): ClusterConfig {
    return { kind: 'ready', kc, context: 'stand-in', server: api.url, file: '' };
  }
  function read(over: Partial<EvidenceRequest> = {}) {
    return readClusterEvidence({
      namespaces: ['default'],
      selectors: ['app=pynode', 'app=model-deployment'],
      window,
      ...over,
      cluster: over.cluster ?? ready(),
    });
  }
  const texts = (lines: { source: string; text: string }[], source: string) =>
    lines.filter((l) => l.source === source).map((l) => l.text);

  it('reads the window of a pod no one followed: sinceTime on the server, the window cut exactly here', async () => {
    api.writeLog('default', 'pynode-1', 'app', ['long before'], { at: t0 - 5000 });
    api.writeLog('default', 'pynode-1', 'app', ['same second, before'], { at: t0 - 100 });
    api.writeLog('default', 'pynode-1', 'app', ['in 1'], { at: t0 + 10 });
    api.writeLog('default', 'pynode-1', 'app', ['in 2'], { at: t0 + 1500 });
    api.writeLog('default', 'pynode-1', 'app', ['after'], { at: t0 + 3000 });
    api.addPod('default', 'unrelated', { labels: { app: 'other' } });
    api.writeLog('default', 'unrelated', 'app', ['not selected'], { at: t0 + 20 });

    const got = await read();
    assert.deepStrictEqual(texts(got.lines, 'pod/default/pynode-1/app'), ['in 1', 'in 2']);
    assert.deepStrictEqual([...new Set(got.lines.map((l) => l.source))], ['pod/default/pynode-1/app']);
    assert.deepStrictEqual(
      got.lines.map((l) => l.time),
      [t0 + 10, t0 + 1500],
    );
    assert.deepStrictEqual(got.notes, []);
    const req = api.requests.find((r) => r.path.endsWith('/pynode-1/log'))!;
    assert.strictEqual(req.query.sinceTime, new Date(t0 - 500).toISOString().replace('.000Z', 'Z'));
    assert.strictEqual(req.query.timestamps, 'true');
    assert.ok(Number(req.query.limitBytes) > 0);
  });

  it('keeps the newest lines per pod and cuts each log at its share of the bytes, saying so', async () => {
    api.writeLog('default', 'pynode-1', 'app', numbered('line', 0, 50), { at: t0 + 100 });
    const few = await read({ limits: { linesPerPod: 10 } });
    assert.deepStrictEqual(
      few.lines.map((l) => l.text),
      numbered('line', 40, 50),
    );
    assert.match(
      few.notes.join('\n'),
      /pod\/default\/pynode-1\/app: the first 40 lines of the window left out/,
    );

    api.addPod('default', 'model-1', { labels: { app: 'model-deployment' } });
    api.writeLog('default', 'model-1', 'app', numbered('model', 0, 50), { at: t0 + 100 });
    const small = await read({ limits: { totalBytes: 400 } });
    const bytes = small.lines.reduce((n, l) => n + Buffer.byteLength(l.text), 0);
    assert.ok(bytes <= 400 && bytes > 0, `${bytes} bytes`);
    assert.deepStrictEqual(texts(small.lines, 'pod/default/model-1/app').slice(0, 2), ['model 0', 'model 1']);
    assert.match(
      small.notes.join('\n'),
      /Logs cut at 200 bytes each .*pod\/default\/(pynode|model)-1\/app, pod/,
    );
  });

  it('gives the Events of the window, warnings kept first when they must be cut', async () => {
    const pod = { kind: 'Pod', name: 'pynode-1' };
    api.addEvent({
      namespace: 'default',
      involved: pod,
      reason: 'Pulled',
      message: 'old',
      type: 'Normal',
      first: t0 - 60_000,
    });
    for (const [i, reason] of ['Pulled', 'Created', 'Started'].entries())
      api.addEvent({
        namespace: 'default',
        involved: pod,
        reason,
        message: `${reason} it`,
        type: 'Normal',
        first: t0 + 900 + i,
      });
    api.addEvent({
      namespace: 'default',
      involved: pod,
      reason: 'BackOff',
      message: 'Back-off restarting failed container app',
      type: 'Warning',
      first: t0 - 30_000,
      last: t0 + 1600,
      count: 5,
    });
    api.addEvent({
      namespace: 'default',
      involved: { kind: 'Pod', name: 'model-2' },
      reason: 'FailedScheduling',
      message: '0/1 nodes are available: 1 Insufficient memory.',
      type: 'Warning',
      first: t0 + 1200,
      style: 'events/v1',
      component: 'default-scheduler',
    });
    api.addEvent({
      namespace: 'elsewhere',
      involved: pod,
      reason: 'BackOff',
      message: 'x',
      type: 'Warning',
      first: t0 + 5,
    });

    const all = await read();
    assert.deepStrictEqual(texts(all.lines, EVENTS_SOURCE), [
      'Normal Pulled Pod default/pynode-1: Pulled it',
      'Normal Created Pod default/pynode-1: Created it',
      'Normal Started Pod default/pynode-1: Started it',
      // eventTime in microseconds; lastTimestamp in whole seconds (t0 + 1.5 s).
      'Warning FailedScheduling Pod default/model-2: 0/1 nodes are available: 1 Insufficient memory.',
      'Warning BackOff Pod default/pynode-1: Back-off restarting failed container app (5 times)',
    ]);
    assert.deepStrictEqual(
      all.lines.map((l) => l.level),
      ['info', 'info', 'info', 'warn', 'warn'],
    );
    // Filtered on the server: warnings of the namespace, the rest per selected pod.
    const selectors = api.requests
      .filter((r) => r.path.endsWith('/events'))
      .map((r) => r.query.fieldSelector);
    assert.deepStrictEqual(selectors.sort(), [
      'involvedObject.kind=Pod,involvedObject.name=pynode-1,type!=Warning',
      'type=Warning',
    ]);

    const two = await read({ limits: { events: 2 } });
    assert.deepStrictEqual(
      two.lines.map((l) => l.text.split(':')[0]),
      ['Warning FailedScheduling Pod default/model-2', 'Warning BackOff Pod default/pynode-1'],
    );
    assert.match(two.notes.join('\n'), /3 events of the window left out \(2 kept, warnings first\)/);
  });

  it('describes a container OOM-killed during the test, with the last words of the killed instance', async () => {
    api.addPod('default', 'model-1', { labels: { app: 'model-deployment' } });
    const from = Date.now() - 1000;
    api.writeLog('default', 'model-1', 'app', ['loading weights', 'allocating 8 GiB']);
    api.restartPod('default', 'model-1', { reason: 'OOMKilled', exitCode: 137 });
    api.writeLog('default', 'model-1', 'app', ['starting again']);
    const got = await read({ window: { from, to: Date.now() + 1000 } });
    assert.strictEqual(got.restarts.length, 1);
    const r = got.restarts[0];
    assert.deepStrictEqual(
      [r.namespace, r.pod, r.container, r.reason, r.exitCode, r.restartCount, r.now.kind],
      ['default', 'model-1', 'app', 'OOMKilled', 137, 1, 'running'],
    );
    assert.match(
      r.text,
      /^container app of pod default\/model-1 was OOMKilled \(exit code 137\) at .*; 1 restart in all; running again$/,
    );
    assert.deepStrictEqual(texts(got.lines, 'pod/default/model-1/app'), [
      'loading weights',
      'allocating 8 GiB',
      'starting again',
    ]);
  });

  it('answers within the timeout when the cluster stalls, with what arrived and a note of what is missing', async () => {
    api.writeLog('default', 'pynode-1', 'app', ['in'], { at: t0 + 10 });
    api.addEvent({
      namespace: 'default',
      involved: { kind: 'Pod', name: 'x' },
      reason: 'BackOff',
      message: 'm',
      type: 'Warning',
      first: t0 + 5,
    });
    api.stall(/\/log$/);
    const started = Date.now();
    const got = await read({ timeoutMs: 300 });
    const took = Date.now() - started;
    assert.ok(took < 1300, `took ${took} ms`);
    assert.deepStrictEqual(texts(got.lines, EVENTS_SOURCE), ['Warning BackOff Pod default/x: m']);
    assert.deepStrictEqual(got.notes, [
      `The cluster at ${api.url} did not answer within 0.3 s: pod logs of 1 container (pod/default/pynode-1/app) missing.`,
    ]);
  });

  it('says so when the cluster is unreachable or no kubeconfig exists, without throwing', async () => {
    const cluster = ready();
    await api.close();
    const down = await read({ cluster });
    assert.deepStrictEqual(down.lines, []);
    assert.strictEqual(down.notes.length, 1);
    assert.match(
      down.notes[0],
      /^Cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Is it running/,
    );
    ({ api, kc } = await standIn());

    const none = await read({
      cluster: loadClusterConfig({ kubeconfig: '/nonexistent/kubeconfig', context: '' }),
    });
    assert.deepStrictEqual(none.notes, [
      'No evidence from the cluster: No cluster configured: the kubeconfig "/nonexistent/kubeconfig" from the setting codespaceTests.kube.kubeconfig does not exist. Fix the path or clear the setting.',
    ]);
  });
});
