import * as assert from 'node:assert';
import { pointsAtCodespace } from '../../../src/core/doctor/unreachable';
import { doctorSettingsFrom } from '../../../src/core/doctor/settings';
import { settingsFrom } from '../../../src/core/settings';
import { SETTING_DEFAULTS } from '../../../src/core/settingDefaults';
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
  it('reads the doctor settings: blank selectors of localClusterLacks are dropped, a mistyped one gives the defaults', () => {
    const values: Record<string, unknown> = {
      'doctor.localClusterLacks': { 'Victoria Metrics': 'app=vm', Empty: ' ' },
      'django.port': 8123,
    };
    const s = doctorSettingsFrom(
      settingsFrom((key) => values[key], '/ws'),
      '/ws',
      'python3',
    );
    assert.deepStrictEqual(s.localClusterLacks, [{ name: 'Victoria Metrics', labelSelector: 'app=vm' }]);
    assert.strictEqual(s.port, 8123);
    assert.strictEqual(s.pynodeSelector, SETTING_DEFAULTS['doctor.pynodeSelector']);
    assert.strictEqual(s.djangoCwd, '/ws', '${workspaceFolder} expanded');
    // Like every setting of the wrong type (settingOr): the whole value falls back to its default.
    values['doctor.localClusterLacks'] = { 'Victoria Metrics': 'app=vm', Broken: 42 };
    const d = doctorSettingsFrom(
      settingsFrom((key) => values[key], '/ws'),
      '/ws',
      'python3',
    );
    assert.deepStrictEqual(
      d.localClusterLacks.map((c) => c.name),
      Object.keys(SETTING_DEFAULTS['doctor.localClusterLacks']),
    );
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
