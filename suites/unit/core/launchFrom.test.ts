import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SettingKey } from '../../../src/ids';
import { settingsFrom } from '../../../src/core/settings';
import { djangoModeFrom, djangoSettingsFrom, interpreterFrom } from '../../../src/core/launchFrom';
import { workspaceDjangoLaunch } from '../../../src/core/django/headlessDjango';

const getOf = (values: Partial<Record<SettingKey, unknown>>) => settingsFrom((key) => values[key], '/ws');

describe('from settings to a launch (core/launchFrom)', () => {
  it('interpreterFrom: the setting, then .venv, then uv, then the workspace Python, then python3', async () => {
    const asked: string[] = [];
    const probe = (name: string, answer: string | undefined) => async () => {
      asked.push(name);
      return answer;
    };
    const all = {
      venv: probe('venv', '/ws/.venv/bin/python'),
      uv: probe('uv', '/uv/python'),
      workspacePython: probe('workspace', '/selected/python'),
    };
    assert.strictEqual(
      await interpreterFrom(getOf({ 'python.interpreter': '/my/python' }), '/ws', all),
      '/my/python',
    );
    assert.deepStrictEqual(asked, [], 'the setting wins without asking anything');
    assert.strictEqual(await interpreterFrom(getOf({}), '/ws', all), '/ws/.venv/bin/python');
    assert.strictEqual(
      await interpreterFrom(getOf({}), '/ws', { ...all, venv: probe('venv', undefined) }),
      '/uv/python',
    );
    const none = probe('none', undefined);
    assert.strictEqual(
      await interpreterFrom(getOf({}), '/ws', { venv: none, uv: none, workspacePython: all.workspacePython }),
      '/selected/python',
    );
    assert.strictEqual(
      await interpreterFrom(getOf({}), '/ws', { venv: none, uv: none, workspacePython: none }),
      'python3',
    );
  });

  it('djangoSettingsFrom: the port and command checks, an empty health path probes the root', () => {
    assert.throws(
      () => djangoSettingsFrom(getOf({ 'django.port': 70000 }), 'python3'),
      /between 1 and 65535/,
    );
    assert.throws(() => djangoSettingsFrom(getOf({ 'django.command': ' ' }), 'python3'), /command is empty/);
    const s = djangoSettingsFrom(getOf({ 'django.healthPath': '' }), 'python3');
    assert.strictEqual(s.healthPath, '/');
    assert.strictEqual(s.cwd, '/ws');
  });

  it('djangoModeFrom: the setting and its URL variable; an unknown word is auto', () => {
    assert.deepStrictEqual(djangoModeFrom(getOf({ 'django.mode': 'session' })), {
      setting: 'session',
      urlEnvVar: 'INTEGRATION_DJANGO_URL',
    });
    assert.strictEqual(djangoModeFrom(getOf({ 'django.mode': 'never' })).setting, 'auto');
  });

  it("the CLI's Django gets tests.envFile's variables, under django.env", async () => {
    const ws = mkdtempSync(join(tmpdir(), 'launch-from-'));
    try {
      mkdirSync(join(ws, '.vscode'));
      writeFileSync(join(ws, '.env'), 'FROM_ENV_FILE=1\nBOTH=file\n');
      writeFileSync(
        join(ws, '.vscode/settings.json'),
        JSON.stringify({
          'codespaceTests.python.interpreter': '/usr/bin/python3',
          'codespaceTests.django.command': 'python manage.py runserver',
          'codespaceTests.django.env': { BOTH: 'setting' },
        }),
      );
      const launch = await workspaceDjangoLaunch(ws);
      assert.strictEqual(launch.server.env.FROM_ENV_FILE, '1');
      assert.strictEqual(launch.server.env.BOTH, 'setting');
      assert.strictEqual(launch.cwd, ws);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
