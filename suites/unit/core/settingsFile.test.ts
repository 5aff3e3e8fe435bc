import * as assert from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettingsText, readSettingsFile } from '../../../src/core/settingsFile';
import { workspaceSettings } from '../../../src/core/pytest/headless';

describe('settings.json without VS Code (jsonc-parser)', () => {
  it('reads comments (line and block), trailing commas and // inside strings', () => {
    const r = parseSettingsText(
      '{\n  // a comment\n  "codespaceTests.tests.command": "pytest", /* block */\n  "url": "http://x//y",\n}\n',
    );
    assert.strictEqual(r.problem, undefined);
    assert.strictEqual(r.values.get('codespaceTests.tests.command'), 'pytest');
    assert.strictEqual(r.values.get('url'), 'http://x//y');
  });

  it('keeps what it could read from a broken file and says where it broke', () => {
    const r = parseSettingsText('{ "a": 1,, "b": [1, }', 'x/settings.json');
    assert.strictEqual(r.values.get('a'), 1);
    assert.match(
      r.problem ?? '',
      /^x\/settings\.json has \d+ syntax error\(s\), first PropertyNameExpected at offset 9;/,
    );
  });

  it('answers deep nesting (which overflows the parser) with no settings and a problem, not a throw', () => {
    const r = parseSettingsText('['.repeat(200_000));
    assert.strictEqual(r.values.size, 0);
    assert.match(r.problem ?? '', /could not be read/);
  });

  it('ignores a __proto__ key and a top level that is not an object', () => {
    const r = parseSettingsText('{"__proto__": {"codespaceTests.tests.command": "evil"}}');
    assert.strictEqual(r.values.get('codespaceTests.tests.command'), undefined);
    assert.match(parseSettingsText('[1]').problem ?? '', /not a JSON object/);
  });

  it('feeds the CLI settings: a commented settings.json with a trailing comma is read', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'settings-'));
    try {
      assert.deepStrictEqual(await readSettingsFile(join(ws, '.vscode/settings.json')), { kind: 'missing' });
      mkdirSync(join(ws, '.vscode'));
      writeFileSync(
        join(ws, '.vscode/settings.json'),
        '{\n  // pytest from the venv\n  "codespaceTests.tests.command": "venv/bin/pytest",\n  "codespaceTests.tests.extraArgs": ["-x"],\n  "codespaceTests.tests.cwd": "${workspaceFolder}/backend",\n}\n',
      );
      const s = await workspaceSettings(ws);
      assert.strictEqual(s.command, 'venv/bin/pytest');
      assert.deepStrictEqual(s.extraArgs, ['-x']);
      assert.strictEqual(s.cwd, join(ws, 'backend'));
      assert.strictEqual(s.include, '**/tests/integration/**/*.py');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
