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

/** What a Test Explorer run was told: the failed items, their messages' text, and the output. */
function sink(): TestRunSink<string, string, string> & {
  output: string[];
  failures: string[];
  messages: string[];
} {
  const output: string[] = [];
  const failures: string[] = [];
  const messages: string[] = [];
  return {
    output,
    failures,
    messages,
    enqueued: () => {},
    started: () => {},
    passed: () => {},
    skipped: () => {},
    failed: (i, m) => void (failures.push(i), messages.push(String(m))),
    errored: () => {},
    appendOutput: (o) => void output.push(o),
    end: () => {},
  };
}

describe("the Test Explorer's failure: its pods no one followed, events and restarts, read before its result", function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000 + 500;

  beforeEach(async () => {
    ({ api, kc } = await standIn());
    api.addPod('default', 'pynode-1', { labels: { app: 'pynode' } });
    api.addPod('default', 'model-1', { labels: { app: 'model-deployment' } });
  });
  afterEach(() => api.close());

  function results(store: LogStore, run: ReturnType<typeof sink>, timeoutMs?: number) {
    const cluster: EvidenceCluster = {
      config: { kind: 'ready', kc, context: 'stand-in', server: api.url, file: '' },
      namespaces: ['default'],
      selectors: ['app=pynode', 'app=model-deployment'],
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

  it('the failure is reported with its evidence read: its unfollowed pod line and events, Django shown once', async () => {
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
    assert.deepStrictEqual(
      run.failures,
      [],
      'its window is still open: the line of its last request may come',
    );
    await r.evidenceRead();
    assert.deepStrictEqual(run.failures, ['t.py::test_a']);
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

  it('a container OOM-killed during the test: the container, the reason, the exit code and its state now, before the traceback', async () => {
    const now = Date.now();
    api.restartPod('default', 'model-1', { reason: 'OOMKilled', exitCode: 137 });
    const run = sink();
    const store = new LogStore(100);
    const r = results(store, run);
    r.handle({ ...failure('t.py::test_deploy'), start: now - 1500, stop: Date.now() } as PluginEvent);
    r.pytestEnded();
    await r.evidenceRead();
    assert.match(
      run.messages[0],
      /^AssertionError\n\nIn the cluster while the test ran:\n- container app of pod default\/model-1 was OOMKilled \(exit code 137\) at \S+, after running since \S+; 1 restart in all; running again\n\ntb$/,
    );
    store.dispose();
  });

  it('no container stopped during the test: the message is the failure alone', async () => {
    const run = sink();
    const store = new LogStore(100);
    const r = results(store, run);
    r.handle({ ...failure('t.py::test_deploy'), start: Date.now() - 1500, stop: Date.now() } as PluginEvent);
    await r.evidenceRead();
    assert.deepStrictEqual(run.messages, ['AssertionError\n\ntb']);
    store.dispose();
  });
});
