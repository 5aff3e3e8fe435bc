import * as assert from 'node:assert';
import { pointsAtCodespace } from '../../../src/core/doctor/unreachable';
import { doctorSettingsFrom, DOCTOR_DEFAULTS } from '../../../src/core/doctor/settings';
import { worstStatus } from '../../../src/core/doctor/runner';

describe('doctor: which failures offer Check Codespace', () => {
  it('Django not ready, a refused connection, an unreachable cluster', () => {
    for (const text of [
      'Django is not ready, so the tests did not run: Django exited (exit code 1).',
      "requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=8000): Max retries exceeded with url: /health/",
      'ConnectionRefusedError: [Errno 111] Connection refused',
      'Cannot reach the cluster at https://192.168.49.2:8443 (ECONNREFUSED).',
    ])
      assert.ok(pointsAtCodespace(text), text);
  });

  it('an ordinary assertion does not', () => {
    assert.ok(!pointsAtCodespace('AssertionError: assert 2 == 3'));
    assert.ok(!pointsAtCodespace('FAIL_ON_DEMAND is set'));
  });
});

describe('doctor: settings and the summary status', () => {
  it('reads the doctor settings, and drops entries of localClusterLacks that are not selectors', () => {
    const values: Record<string, unknown> = {
      'doctor.localClusterLacks': { 'Victoria Metrics': 'app=vm', Broken: 42, Empty: ' ' },
      'django.port': 8123,
    };
    const get = <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);
    const s = doctorSettingsFrom(get, '/ws', 'python3');
    assert.deepStrictEqual(s.localClusterLacks, [{ name: 'Victoria Metrics', labelSelector: 'app=vm' }]);
    assert.strictEqual(s.port, 8123);
    assert.strictEqual(s.pynodeSelector, DOCTOR_DEFAULTS.pynodeSelector);
    assert.strictEqual(s.djangoCwd, '/ws');
  });

  it('the worst status wins; all skipped is skip', () => {
    const r = (status: 'ok' | 'warn' | 'fail' | 'skip') => ({
      id: status,
      title: status,
      status,
      message: '',
    });
    assert.strictEqual(worstStatus([r('ok'), r('fail'), r('warn')]), 'fail');
    assert.strictEqual(worstStatus([r('ok'), r('skip'), r('warn')]), 'warn');
    assert.strictEqual(worstStatus([r('skip')]), 'skip');
  });
});
