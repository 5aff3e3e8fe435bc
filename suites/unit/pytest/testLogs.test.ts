import * as assert from 'node:assert';
import { LogStore, DJANGO_SOURCE } from '../../../src/core/logs/logStore';
import { formatTestLogs, linesForTest, testWindow } from '../../../src/core/pytest/testLogs';

describe('logs for a test (window cutting)', () => {
  it('keeps the Django and pod lines inside the test window, slack included, and nothing else', () => {
    const store = new LogStore(100);
    const t0 = 1_700_000_000_000;
    store.append(DJANGO_SOURCE, 'before', t0 - 1000);
    store.append(DJANGO_SOURCE, 'GET /api/whoami/ 200', t0 + 100);
    store.append('pod/default/worker', 'handled job', t0 + 900, 'worker-1');
    store.append('selector/models/app=model', 'predict served', t0 + 950, 'model-1');
    store.append('pytest', 'not a service line', t0 + 200);
    store.append(DJANGO_SOURCE, 'just after', t0 + 1000 + 200);
    store.append(DJANGO_SOURCE, 'long after', t0 + 5000);
    const window = testWindow(t0, t0 + 1000);
    const lines = linesForTest(store, window);
    assert.deepStrictEqual(
      lines.map((l) => l.text),
      ['GET /api/whoami/ 200', 'handled job', 'predict served', 'just after'],
    );
    const text = formatTestLogs(lines, 'test_whoami');
    assert.match(text, /\[django\] GET \/api\/whoami\/ 200\r\n/);
    assert.match(text, /\[pod\/default\/worker worker-1\] handled job/);
    assert.strictEqual(formatTestLogs([], 'x'), '');
    store.dispose();
  });
});
