import * as assert from 'node:assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { DJANGO_SOURCE, LogStore } from '../../../src/core/logs/logStore';
import type { PluginEvent } from '../../../src/core/pytest/protocol';
import { RunResults } from '../../../src/core/pytest/runResults';
import type { TestRunSink } from '../../../src/core/pytest/runUpdates';
import type { EvidenceCluster } from '../../../src/core/pytest/testEvidence';
import { FINISHED } from '../../unit/pytest/pluginEvents';
import { standIn } from './kubeHelpers';

function sink(): TestRunSink<string, string, string> & { output: string[]; failures: string[] } {
  const output: string[] = [];
  const failures: string[] = [];
  return {
    output,
    failures,
    enqueued: () => {},
    started: () => {},
    passed: () => {},
    skipped: () => {},
    failed: (i) => void failures.push(i),
    errored: () => {},
    appendOutput: (o) => void output.push(o),
    end: () => {},
  };
}

describe("the Test Explorer's failure output: pods no one followed and events, read after the result", function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000 + 500;

  beforeEach(async () => {
    ({ api, kc } = await standIn());
    api.addPod('default', 'pynode-1', { labels: { app: 'pynode' } });
  });
  afterEach(() => api.close());

  function results(store: LogStore, run: ReturnType<typeof sink>, timeoutMs?: number) {
    const cluster: EvidenceCluster = {
      config: { kind: 'ready', kc, context: 'stand-in', server: api.url, file: '' },
      namespaces: ['default'],
      selectors: ['app=pynode'],
      timeoutMs,
    };
    return new RunResults<string, string, string>(
      run,
      {
        resolve: (id) => id,
        label: (i) => i,
        locationOf: () => undefined,
        message: (f) => f.text,
        someBelow: () => false,
      },
      store,
      new Set(),
      () => cluster,
    );
  }
  const failure = (nodeid: string) =>
    ({ ...FINISHED, nodeid, outcome: 'failed', start: t0, stop: t0 + 1500 }) as PluginEvent;

  it('the failure is reported at once; its unfollowed pod line and events follow, Django shown once', async () => {
    const store = new LogStore(100);
    store.append(DJANGO_SOURCE, 'GET /api/whoami/ 200', t0 + 100);
    api.writeLog('default', 'pynode-1', 'app', ['pynode handled whoami'], { at: t0 + 200 });
    api.addEvent({
      namespace: 'default',
      involved: { kind: 'Pod', name: 'pynode-1' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      first: t0 + 1000,
    });
    const run = sink();
    const r = results(store, run);
    r.handle(failure('t.py::test_a'));
    assert.deepStrictEqual(run.failures, ['t.py::test_a'], 'reported before the cluster answers');
    await r.evidenceRead();
    const out = run.output.join('');
    assert.match(
      out,
      /logs while t\.py::test_a ran: django 1 line, pod\/default\/pynode-1\/app 1 line, events /,
    );
    assert.match(out, /\[pod\/default\/pynode-1\/app\] pynode handled whoami/);
    assert.match(out, /\[events\] Warning BackOff/);
    assert.strictEqual(out.split('GET /api/whoami/ 200').length, 2, 'the Django line once');
    store.dispose();
  });

  it('a hanging cluster holds the end of the run back 2 s at most, and says so', async () => {
    api.stall(/.*/);
    const store = new LogStore(100);
    const run = sink();
    const r = results(store, run, 10_000);
    r.handle(failure('t.py::test_a'));
    const began = Date.now();
    await r.evidenceRead();
    const took = Date.now() - began;
    assert.ok(took < 2600, `${took} ms`);
    assert.match(run.output.join(''), /note: /);
    api.stall(undefined);
    store.dispose();
  });
});
