import * as assert from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceDjangoLaunch } from '../../src/core/django/headlessDjango';
import { workspaceSettings } from '../../src/core/pytest/headless';
import { launchFromSettings, type LaunchTarget } from '../../src/core/pytest/launch';
import { silentLogger } from '../../src/core/logger';
import { readLaunch } from '../../src/django/config';
import { folderLaunchSettings } from '../../src/testing/interpreter';
import { activateExtension, fixtureFolder, waitFor } from './helpers';
import { setFolderSetting } from './testExplorerHelpers';

// The same settings, read by VS Code (the extension's path) and from .vscode/settings.json (the CLI's).
const SETTINGS: Record<string, unknown> = {
  'tests.command': 'uv run pytest -p no:cacheprovider',
  'tests.extraArgs': ['-x', '--tb=short'],
  'tests.env': { PARITY_TESTS: 'tests' },
  'tests.envFile': '${workspaceFolder}/parity.env',
  'tests.cwd': '${workspaceFolder}/tests',
  'django.command': 'uv run python backend/manage.py runserver --noreload',
  'django.port': 8123,
  'django.env': { PARITY_DJANGO: 'django', BOTH: 'setting' },
  'django.healthPath': '',
};

describe('settings parity: the extension and the CLI build the same launches', function () {
  this.timeout(60_000);
  const ws = () => fixtureFolder().uri.fsPath;
  before(async () => {
    await activateExtension();
    writeFileSync(join(ws(), 'parity.env'), 'PARITY_ENV_FILE=1\nBOTH=file\n');
    for (const [key, value] of Object.entries(SETTINGS)) await setFolderSetting(key, value);
    await waitFor('the CLI to see the settings file', async () =>
      (await workspaceSettings(ws())).cwd.endsWith('tests'),
    );
  });
  after(async () => {
    for (const key of Object.keys(SETTINGS)) await setFolderSetting(key, undefined);
    rmSync(join(ws(), 'parity.env'), { force: true });
  });

  it('Django: identical argv, env and cwd (tests.envFile included on both paths)', async () => {
    const ext = await readLaunch(fixtureFolder());
    const cli = await workspaceDjangoLaunch(ws());
    assert.deepStrictEqual(
      [cli.server.command, ...cli.server.args],
      [ext.server.command, ...ext.server.args],
    );
    assert.deepStrictEqual(cli.server.env, ext.server.env);
    assert.strictEqual(cli.cwd, ext.cwd);
    assert.strictEqual(cli.healthUrl, ext.healthUrl);
    assert.strictEqual(ext.server.env.PARITY_ENV_FILE, '1');
    assert.strictEqual(ext.server.env.BOTH, 'setting');
    assert.strictEqual(ext.port, 8123);
  });

  it('pytest: identical argv, env and cwd', async () => {
    const target: LaunchTarget = {
      mode: 'run',
      ini: join(ws(), 'pytest.ini'),
      nodeIds: ['t.py'],
      pluginDir: '/p',
    };
    const ext = (await launchFromSettings(await folderLaunchSettings(fixtureFolder(), silentLogger), target))
      .launch;
    const cli = (await launchFromSettings(await workspaceSettings(ws()), target)).launch;
    assert.deepStrictEqual([cli.command, ...cli.args], [ext.command, ...ext.args]);
    assert.deepStrictEqual(cli.env, ext.env);
    assert.strictEqual(cli.cwd, ext.cwd);
    assert.strictEqual(ext.env.PARITY_ENV_FILE, '1');
    assert.ok(ext.args.includes('--tb=short'));
  });
});
