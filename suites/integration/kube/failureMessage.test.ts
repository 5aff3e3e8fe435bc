import * as assert from 'node:assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { LogStore } from '../../../src/core/logs/logStore';
import type { FinishedEvent } from '../../../src/core/pytest/protocol';
import { RunResults } from '../../../src/core/pytest/runResults';
import type { TestRunSink } from '../../../src/core/pytest/runUpdates';
import { standIn } from './kubeHelpers';

/** What a Test Explorer run was told: each failure's message text, and the output. */
function sink(): TestRunSink<string, string, string> & { failures: string[]; output: string[] } {
  const failures: string[] = [];
  const output: string[] = [];
  return {
    failures,
    output,
    enqueued: () => {},
    started: () => {},
    passed: () => {},
    skipped: () => {},
    failed: (_i, m) => void failures.push(String(m)),
    errored: (_i, m) => void failures.push(String(m)),
    appendOutput: (o) => void output.push(o),
    end: () => {},
  };
}

describe("kube: a container that stopped during a failing test is in the test's failure message", function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;

  beforeEach(async () => {
    ({ api, kc } = await standIn());
    api.addPod('default', 'model-1', { labels: { app: 'model-deployment' } });
  });
  afterEach(() => api.close());

  function results(run: ReturnType<typeof sink>, store: LogStore) {
    return new RunResults<string, string, string>(
      run,
      {
        resolve: (id) => id,
        label: (id) => id,
        locationOf: () => undefined,
        message: (f) => f.text,
        someBelow: () => false,
      },
      store,
      new Set(['t.py::test_deploy']),
      () => ({
        config: { kind: 'ready', kc, context: 'stand-in', server: api.url, file: '' },
        namespaces: ['default'],
        selectors: ['app=model-deployment'],
      }),
    );
  }

  function failed(start: number, stop: number): FinishedEvent {
    return {
      event: 'finished',
      nodeid: 't.py::test_deploy',
      outcome: 'failed',
      when: 'call',
      start,
      stop,
      duration: (stop - start) / 1000,
      failure: { message: 'AssertionError: the model never answered', text: 'tb', file: null, line: null },
      stdout: '',
      stderr: '',
      log: '',
    };
  }

  it('OOMKilled: the container, the reason, the exit code and its state now, before the traceback', async () => {
    const start = Date.now() - 1500;
    api.restartPod('default', 'model-1', { reason: 'OOMKilled', exitCode: 137 });
    const run = sink();
    const store = new LogStore(100);
    const r = results(run, store);
    r.handle(failed(start, Date.now()));
    r.pytestEnded();
    await r.evidenceRead();
    assert.strictEqual(run.failures.length, 1);
    const [message] = run.failures;
    assert.match(
      message,
      /^AssertionError: the model never answered\n\nIn the cluster while the test ran:\n- container app of pod default\/model-1 was OOMKilled \(exit code 137\) at \S+, after running since \S+; 1 restart in all; running again\n\ntb$/,
    );
    store.dispose();
  });

  it('no container stopped: the message is the failure alone', async () => {
    const run = sink();
    const store = new LogStore(100);
    const r = results(run, store);
    r.handle(failed(Date.now() - 1500, Date.now()));
    await r.evidenceRead();
    assert.deepStrictEqual(run.failures, ['AssertionError: the model never answered\n\ntb']);
    store.dispose();
  });
});
