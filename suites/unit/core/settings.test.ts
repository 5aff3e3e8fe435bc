import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SettingKey } from '../../../src/ids';
import { settingProblems, settingsFrom } from '../../../src/core/settings';
import { SETTING_DEFAULTS } from '../../../src/core/settingDefaults';

describe('the one settings reader (core/settings)', () => {
  const reader = (values: Partial<Record<SettingKey, unknown>>) => {
    const problems: string[] = [];
    const get = settingsFrom(
      (key) => values[key],
      '/ws',
      (p) => problems.push(p),
    );
    return { get, problems };
  };

  it('applies the defaults itself, with ${workspaceFolder} expanded', () => {
    const { get, problems } = reader({});
    assert.strictEqual(get('tests.include'), SETTING_DEFAULTS['tests.include']);
    assert.strictEqual(get('django.port'), 8000);
    assert.strictEqual(get('tests.cwd'), '/ws');
    assert.deepStrictEqual(problems, []);
  });

  it('reports tests.include given as a list: the setting, what it expects, what it is, what is used', () => {
    const { get, problems } = reader({ 'tests.include': ['**/tests/*.py'] });
    assert.strictEqual(get('tests.include'), SETTING_DEFAULTS['tests.include']);
    get('tests.include');
    assert.deepStrictEqual(problems, [
      'codespaceTests.tests.include should be a string, but it is a list (["**/tests/*.py"]): using its default, "**/tests/integration/**/*.py", instead.',
    ]);
  });

  it('reports each wrong type: numbers, lists of strings, objects of strings, booleans, one-of words', () => {
    const { get, problems } = reader({
      'django.port': '8001',
      'tests.extraArgs': ['-x', 1],
      'tests.env': { A: 'a', B: 2 },
      'tests.collectWithPytest': 'yes',
      'django.mode': 'sometimes',
      'debug.launchProperties': { justMyCode: false },
    });
    assert.strictEqual(get('django.port'), 8000);
    assert.deepStrictEqual(get('tests.extraArgs'), []);
    assert.deepStrictEqual(get('tests.env'), {});
    assert.strictEqual(get('tests.collectWithPytest'), true);
    assert.strictEqual(get('django.mode'), 'auto');
    assert.deepStrictEqual(get('debug.launchProperties'), { justMyCode: false });
    assert.deepStrictEqual(
      problems.map((p) => p.replace(/, but it is.*/, '')),
      [
        'codespaceTests.django.port should be a number',
        'codespaceTests.tests.extraArgs should be a list of strings',
        'codespaceTests.tests.env should be an object of strings',
        'codespaceTests.tests.collectWithPytest should be a boolean',
        'codespaceTests.django.mode should be one of auto, shared, session',
      ],
    );
  });

  it('takes a blank host, command or port as unset (the old `get(x) || default`), without a problem', () => {
    const { get, problems } = reader({ 'django.host': ' ', 'tests.command': '', 'django.port': 0 });
    assert.strictEqual(get('django.host'), '127.0.0.1');
    assert.strictEqual(get('tests.command'), 'uv run pytest');
    assert.strictEqual(get('django.port'), 8000);
    assert.deepStrictEqual(problems, []);
  });

  it('gives a copy: a caller changing a list does not change the next read', () => {
    const { get } = reader({ 'tests.extraArgs': ['-x'] });
    get('tests.extraArgs').push('-v');
    assert.deepStrictEqual(get('tests.extraArgs'), ['-x']);
  });

  it("the CLI's settings.json: every problem at once (what the CLI prints before a verb)", async () => {
    const ws = mkdtempSync(join(tmpdir(), 'settings-'));
    try {
      mkdirSync(join(ws, '.vscode'));
      writeFileSync(
        join(ws, '.vscode/settings.json'),
        '{ "codespaceTests.tests.include": ["a/**/*.py"], "codespaceTests.django.port": "x" }',
      );
      const problems = await settingProblems(ws);
      assert.strictEqual(problems.length, 2);
      assert.match(problems[0], /^codespaceTests\.tests\.include should be a string, but it is a list/);
      assert.match(
        problems[1],
        /^codespaceTests\.django\.port should be a number, but it is a string \("x"\)/,
      );
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
