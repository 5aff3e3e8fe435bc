import * as assert from 'node:assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { LogStore, DJANGO_SOURCE } from '../../../src/core/logs/logStore';
import { evidenceForTest } from '../../../src/core/pytest/testEvidence';
import { EVENTS_SOURCE } from '../../../src/core/kube/testEvidence';
import { standIn } from './kubeHelpers';

describe('evidence of a failing test: Django, followed and unfollowed pods, events (stand-in cluster)', function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000 + 500;
  const window = { from: t0, to: t0 + 2000 };

  beforeEach(async () => {
    ({ api, kc } = await standIn());
    api.addPod('default', 'pynode-1', { labels: { app: 'pynode' } });
  });
  afterEach(() => api.close());

  it('merges the store and the cluster in time order, a followed pod line once', async () => {
    const store = new LogStore(100);
    store.append(DJANGO_SOURCE, 'GET /api/whoami/ 200', t0 + 100);
    api.writeLog('default', 'pynode-1', 'app', ['pynode handled whoami'], { at: t0 + 200 });
    // The same pod, followed: its line is in the store too.
    store.append('pod/default/pynode-1/app', 'pynode handled whoami', t0 + 200);
    api.addEvent({
      namespace: 'default',
      involved: { kind: 'Pod', name: 'pynode-1' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      first: t0 + 1600, // events keep whole seconds: t0 + 1500
    });
    const got = await evidenceForTest({
      window,
      store,
      cluster: {
        config: { kind: 'ready', kc, context: 'stand-in', server: api.url, file: '' },
        namespaces: ['default'],
        selectors: ['app=pynode'],
      },
    });
    assert.deepStrictEqual(
      got.logs.map((l) => l.source),
      [DJANGO_SOURCE, 'pod/default/pynode-1/app', EVENTS_SOURCE],
    );
    assert.match(got.logs[2].text, /BackOff/);
    assert.deepStrictEqual(got.notes, []);
    store.dispose();
  });

  it('a hanging cluster costs at most its timeout and says so', async () => {
    api.stall(/.*/);
    const store = new LogStore(100);
    const began = Date.now();
    const got = await evidenceForTest({
      window,
      store,
      cluster: {
        config: { kind: 'ready', kc, context: 'stand-in', server: api.url, file: '' },
        namespaces: ['default'],
        selectors: ['app=pynode'],
        timeoutMs: 300,
      },
    });
    assert.ok(Date.now() - began < 1500, `${Date.now() - began} ms`);
    assert.ok(got.notes.length > 0);
    api.stall(undefined);
    store.dispose();
  });
});
