import * as assert from 'node:assert';
import { buildPytestLaunch } from '../../../src/core/pytest/launch';
import { rulesFromIniText } from '../../../src/core/pytest/ini';
import { splitNodeId } from '../../../src/core/pytest/collection';
import { PLUGIN_MODULE, RESULTS_ENV_VAR } from '../../../src/core/pytest/protocol';

describe('pytest launch (pure)', () => {
  const input = {
    base: { command: '/usr/bin/python3', args: ['-m', 'pytest'] },
    mode: 'run' as const,
    ini: '/ws/backend/tests/integration/pytest.ini',
    nodeIds: ['test_deploy.py::TestDeployments::test_whoami', 'test_deploy.py::test_model_sizes[s]'],
    extraArgs: ['-x'],
    cwd: '/ws',
    baseEnv: { PATH: '/bin', PYTHONPATH: '/lib', KEEP: 'base', OVER: 'base' },
    envFile: { OVER: 'file', FROM_FILE: '1' },
    settingsEnv: { OVER: 'settings' },
    extraEnv: { [RESULTS_ENV_VAR]: 'tcp:127.0.0.1:9' },
    pluginDir: '/ext/out/python',
  };

  it('loads the plugin, names the ini and passes node ids relative to the working directory', () => {
    const l = buildPytestLaunch(input);
    assert.strictEqual(l.command, '/usr/bin/python3');
    assert.deepStrictEqual(l.args.slice(0, 4), ['-m', 'pytest', '-p', PLUGIN_MODULE]);
    assert.ok(
      l.args.includes('-c') && l.args[l.args.indexOf('-c') + 1] === 'backend/tests/integration/pytest.ini',
    );
    assert.deepStrictEqual(l.args.slice(-3), [
      '-x',
      'backend/tests/integration/test_deploy.py::TestDeployments::test_whoami',
      'backend/tests/integration/test_deploy.py::test_model_sizes[s]',
    ]);
    assert.deepStrictEqual(l.pytestArgs, l.args.slice(2));
    assert.match(
      l.display,
      /^\/usr\/bin\/python3 -m pytest -p codespace_tests_plugin .*'backend\/tests\/integration\/test_deploy.py::test_model_sizes\[s\]'$/,
    );
  });

  it('layers the environment: base, .env file, settings, then the run own variables; the plugin first on PYTHONPATH', () => {
    const l = buildPytestLaunch(input);
    assert.strictEqual(l.env.OVER, 'settings');
    assert.strictEqual(l.env.KEEP, 'base');
    assert.strictEqual(l.env.FROM_FILE, '1');
    assert.strictEqual(l.env[RESULTS_ENV_VAR], 'tcp:127.0.0.1:9');
    assert.strictEqual(l.env.PYTHONPATH, '/ext/out/python:/lib');
  });

  it('collects the whole rootdir in collect mode', () => {
    const l = buildPytestLaunch({ ...input, mode: 'collect' });
    assert.deepStrictEqual(l.args.slice(-3), ['--collect-only', '-q', 'backend/tests/integration']);
  });
});

describe('pytest.ini rules', () => {
  it('reads multi-line values and defaults', () => {
    const r = rulesFromIniText(
      '[pytest]\ntestpaths =\n    a\n    b\npython_files = check_*.py\n',
      '/x/pytest.ini',
    );
    assert.ok(r.kind === 'ok');
    assert.deepStrictEqual(r.rules.testpaths, ['a', 'b']);
    assert.deepStrictEqual(r.rules.pythonFiles, ['check_*.py']);
    assert.deepStrictEqual(r.rules.pythonFunctions, ['test']);
    assert.strictEqual(r.rootdir, '/x');
  });

  it('says what is wrong with an invalid file', () => {
    const r = rulesFromIniText('[pytest]\nthis line is nonsense\n', '/x/pytest.ini');
    assert.ok(r.kind === 'invalid');
    assert.match(r.error, /line 2/);
  });

  it('splits node ids with brackets and colons in the case id', () => {
    assert.deepStrictEqual(splitNodeId('a/t.py::C::f[x::y[1]]'), {
      file: 'a/t.py',
      names: ['C', 'f'],
      caseId: 'x::y[1]',
    });
  });
});
