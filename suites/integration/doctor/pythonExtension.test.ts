import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runDoctor } from '../../../src/core/doctor/runner';
import { doctorSettingsFrom } from '../../../src/core/doctor/settings';
import { settingsFrom } from '../../../src/core/settings';
import { pythonExtensionChecks } from '../../../src/core/doctor/pythonExtensionChecks';
import type { PythonTestingSettings } from '../../../src/core/pytest/pythonExtension';
import type { CheckResult } from '../../../src/core/doctor/types';
import { silentLogger } from '../../../src/core/logger';
import { FixtureCopy, SYSTEM_PYTHON } from '../django/djangoFixture';
import { PLUGIN_DIR } from '../pytest/pytestHelpers';
import { runCli } from '../support';
import { expandVariables } from '../../../src/core/variables';

const INTEGRATION = 'backend/oracles/tests/integration';
const OURS = ['test_deploy.py', 'test_hazards.py', 'test_pynodes.py'].map((f) => `${INTEGRATION}/${f}`);

/** What real pytest collects with these settings, run as the Python extension runs it: the oracle of each case. */
function pytestReaches(dir: string, py: PythonTestingSettings): boolean {
  const r = spawnSync(
    SYSTEM_PYTHON,
    ['-m', 'pytest', '-p', 'no:cacheprovider', '--collect-only', '-q', ...py.pytestArgs],
    {
      cwd: resolve(dir, expandVariables(py.cwd, dir) || '.'),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    },
  );
  return r.stdout.includes('test_deploy.py::');
}

describe("doctor: the Python extension's own pytest discovery beside the integration tests", function () {
  this.timeout(60_000);
  let copy: FixtureCopy;
  beforeEach(() => {
    copy = new FixtureCopy();
    // A unit test of the team's own, which the Python extension is there for.
    writeFileSync(join(copy.dir, 'backend/applications/test_models.py'), 'def test_model():\n    pass\n');
  });
  afterEach(() => copy.remove());

  const write = (rel: string, text: string) => {
    mkdirSync(join(copy.dir, rel, '..'), { recursive: true });
    writeFileSync(join(copy.dir, rel), text);
  };

  async function row(py: Partial<PythonTestingSettings>): Promise<CheckResult> {
    const python = { pytestEnabled: true, pytestArgs: [], cwd: '', ...py };
    const get = settingsFrom(() => undefined, copy.dir);
    const [result] = await runDoctor({
      settings: doctorSettingsFrom(get, copy.dir, SYSTEM_PYTHON, python),
      logger: silentLogger,
      inis: [join(copy.dir, INTEGRATION, 'pytest.ini')],
      pluginDir: PLUGIN_DIR,
      groups: [pythonExtensionChecks],
    });
    assert.strictEqual(result.id, 'python.extensionDiscovery');
    // The doctor's answer is pytest's own (with discovery off, the Python extension runs no pytest at all).
    const reaches = python.pytestEnabled && pytestReaches(copy.dir, python);
    assert.strictEqual(result.status === 'warn', reaches, result.message);
    return result;
  }

  function assertOverlap(r: CheckResult, args: string[], byPytest = false): void {
    assert.strictEqual(r.status, 'warn', r.message);
    for (const f of OURS) assert.ok(r.message.includes(f), `${f} named in: ${r.message}`);
    assert.ok(!r.message.includes('test_models.py'), r.message);
    assert.strictEqual(r.message.includes('(by pytest --collect-only)'), byPytest, r.message);
    assert.strictEqual(r.fix?.command, 'codespaceTests.doctor.ignoreInPythonTests');
    assert.deepStrictEqual(r.fix?.args, [copy.dir, args]);
    assert.match(r.fix!.text, /Or keep both/);
  }

  it('a root pytest.ini without testpaths: everything under the root, so the integration files too', async () => {
    write('pytest.ini', '[pytest]\npython_files = test_*.py\n');
    assertOverlap(await row({}), [`--ignore=${INTEGRATION}`]);
  });

  it('a root pytest.ini whose testpaths are the unit tests: apart', async () => {
    write('pytest.ini', '[pytest]\ntestpaths = backend/applications\n');
    const r = await row({});
    assert.strictEqual(r.status, 'ok', r.message);
    assert.match(r.message, /does not collect the integration tests: it collects backend\/applications/);
    assert.strictEqual(r.fix, undefined);
  });

  it("setup.cfg's and pyproject.toml's testpaths that hold the integration folder: overlap", async () => {
    write('setup.cfg', '[metadata]\nname = x\n\n[tool:pytest]\ntestpaths = backend\n');
    assertOverlap(await row({}), [`--ignore=${INTEGRATION}`]);
    write('setup.cfg', '[metadata]\nname = x\n');
    write(
      'pyproject.toml',
      '[project]\nname = "x"\n\n[tool.pytest.ini_options]\ntestpaths = [\n  "backend/applications",\n]\n',
    );
    assert.strictEqual((await row({})).status, 'ok');
  });

  it('--ignore of the integration folder in pytestArgs (or in addopts): apart', async () => {
    write('pytest.ini', '[pytest]\n');
    assert.strictEqual((await row({ pytestArgs: [`--ignore=${INTEGRATION}`] })).status, 'ok');
    assert.strictEqual((await row({ pytestArgs: ['--ignore', 'backend/oracles'] })).status, 'ok');
    write('pytest.ini', `[pytest]\naddopts = --ignore=${INTEGRATION}\n`);
    assert.strictEqual((await row({})).status, 'ok');
  });

  it('a cwd elsewhere collects only there; a cwd above the integration folder still reaches it', async () => {
    write('pytest.ini', '[pytest]\n');
    assert.strictEqual((await row({ cwd: 'backend/applications' })).status, 'ok');
    // The --ignore of the fix is relative to the Python extension's cwd, as its pytest reads it.
    assertOverlap(await row({ cwd: '${workspaceFolder}/backend' }), ['--ignore=oracles/tests/integration']);
  });

  it('-c a config whose testpaths are elsewhere: used only from its rootdir (--rootdir), as pytest does', async () => {
    write('config/unit.ini', '[pytest]\ntestpaths = backend/applications\n');
    // The rootdir is the config's folder, not the cwd: testpaths do not apply, the cwd is collected.
    assertOverlap(await row({ pytestArgs: ['-c', 'config/unit.ini'] }), [
      '-c',
      'config/unit.ini',
      `--ignore=${INTEGRATION}`,
    ]);
    assert.strictEqual((await row({ pytestArgs: ['-c', 'config/unit.ini', '--rootdir=.'] })).status, 'ok');
  });

  it('unsure by the rules (-m, a conftest that ignores files): pytest --collect-only decides', async () => {
    write('pytest.ini', '[pytest]\n');
    assertOverlap(
      await row({ pytestArgs: ['-m', 'not slow'] }),
      ['-m', 'not slow', `--ignore=${INTEGRATION}`],
      true,
    );
    write('conftest.py', 'collect_ignore = ["backend/oracles"]\n');
    const r = await row({});
    assert.strictEqual(r.status, 'ok', r.message);
    assert.match(
      r.message,
      /pytest --collect-only collects none of them \(asked because .*conftest\.py can ignore files/,
    );
  });

  it('pytest discovery off: ok, whatever the config', async () => {
    const r = await row({ pytestEnabled: false });
    assert.strictEqual(r.status, 'ok');
    assert.match(r.message, /discovery is off/);
  });

  it('codespace-tests doctor --json reads python.testing.* from .vscode/settings.json and has the same row', async () => {
    write(
      '.vscode/settings.json',
      '{\n  // the team\'s\n  "codespaceTests.python.interpreter": "/usr/bin/python3",\n  "python.testing.pytestEnabled": true\n}\n',
    );
    const r = await runCli(['doctor', '--json', '--workspace', copy.dir]);
    const checks = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks;
    const found = checks.find((c) => c.id === 'python.extensionDiscovery');
    assert.strictEqual(found?.status, 'warn', r.stderr);
    assert.deepStrictEqual(found?.fix?.args, [copy.dir, [`--ignore=${INTEGRATION}`]]);
  });
});
