import * as assert from 'node:assert';
import { LogStore, DJANGO_SOURCE } from '../../../src/core/logs/logStore';
import { evidenceForTest } from '../../../src/core/pytest/testEvidence';
import { testWindow } from '../../../src/core/pytest/testLogs';

describe('evidence of a test (store only)', () => {
  const t0 = 1_700_000_000_000;
  const window = testWindow(t0, t0 + 1000);

  it('merges Django and followed pod lines in time order, the newest N per source, saying what was left out', async () => {
    const store = new LogStore(100);
    for (let i = 0; i < 5; i++) store.append(DJANGO_SOURCE, `django ${i}`, t0 + i * 100);
    store.append('pod/default/pynode-1/app', 'pod says', t0 + 250, undefined, 'warn');
    store.append('pytest', 'not a service line', t0 + 200);
    store.append(DJANGO_SOURCE, 'long after', t0 + 5000);
    const got = await evidenceForTest({ window, store, maxLinesPerSource: 3 });
    assert.deepStrictEqual(
      got.logs.map((l) => `${l.source}: ${l.text}`),
      ['django: django 2', 'pod/default/pynode-1/app: pod says', 'django: django 3', 'django: django 4'],
    );
    assert.strictEqual(got.logs[1].level, 'warn');
    assert.deepStrictEqual(got.notes, ['django: 2 older lines of the window left out (3 kept).']);
    store.dispose();
  });

  it('says plainly when Django was not seen and no pod was followed', async () => {
    const store = new LogStore(100);
    const got = await evidenceForTest({ window, store });
    assert.deepStrictEqual(got.logs, []);
    assert.match(got.notes.join('\n'), /Django was not seen/);
    assert.match(got.notes.join('\n'), /no pod was followed and the cluster was not read/);
    store.append(DJANGO_SOURCE, 'long before', t0 - 9000);
    const quiet = await evidenceForTest({ window, store });
    assert.match(quiet.notes.join('\n'), /Django logged nothing while the test ran/);
    store.dispose();
  });

  it('names a missing kubeconfig', async () => {
    const store = new LogStore(100);
    const got = await evidenceForTest({
      window,
      store,
      cluster: {
        config: { kind: 'noConfig', message: 'No cluster configured: no kubeconfig.' },
        namespaces: ['default'],
        selectors: ['app=pynode'],
      },
    });
    assert.match(got.notes.join('\n'), /No evidence from the cluster: No cluster configured/);
    store.dispose();
  });
});
