import * as assert from 'node:assert';
import { LogStore } from '../../../src/core/logs/logStore';
import { storeClusterEvidence } from '../../../src/core/pytest/storeEvidence';
import { linesForTest } from '../../../src/core/pytest/testLogs';

describe("A failure's cluster evidence in the log store", () => {
  const window = { from: 1000, to: 2000 };
  const evidence = {
    logs: [
      { source: 'django', time: 1100, text: 'GET /api/whoami/ 401' },
      { source: 'pod/default/pynode-1/app', time: 1200, text: 'pynode handled a request' },
      {
        source: 'events',
        time: 1300,
        text: 'Warning BackOff pod/pynode-1: Back-off restarting',
        level: 'warn' as const,
      },
    ],
  };

  it('adds the pods no one followed and the events, each once, and the test window then has them', () => {
    const store = new LogStore();
    store.append('django', 'GET /api/whoami/ 401', 1100);
    assert.strictEqual(storeClusterEvidence(store, evidence, window), 2);
    // A second failure in an overlapping window read the same lines: nothing is added twice.
    assert.strictEqual(storeClusterEvidence(store, evidence, window), 0);
    assert.deepStrictEqual(
      linesForTest(store, window).map((l) => `${l.source} ${l.text}`),
      [
        'django GET /api/whoami/ 401',
        'pod/default/pynode-1/app pynode handled a request',
        'events Warning BackOff pod/pynode-1: Back-off restarting',
      ],
    );
  });
});
