// The debug launch configuration for a test: the launch.json entry it starts from, what the run
// overrides, which env wins, and which interpreter.
import * as assert from 'node:assert';
import { buildTestLaunchConfig, envDelta, findTestDebugConfig } from '../../../src/core/debug/testLaunch';

const invocation = {
  python: '/usr/bin/python3',
  pytestArgs: ['-c', '/ws/it/pytest.ini', 'it/test_a.py::test_x'],
};
const runInput = {
  invocation,
  cwd: '/ws',
  env: {
    CIT_RESULTS_PORT: '4001',
    INTEGRATION_DJANGO_URL: 'http://127.0.0.1:8000',
    PYTHONPATH: '/ext/python',
    FOO: 'from-settings',
  },
  requiredEnv: ['CIT_RESULTS_PORT', 'INTEGRATION_DJANGO_URL'],
  justMyCode: true,
};

describe('debug launch configuration for a test', () => {
  it('without launch.json: debugpy, launch, module pytest, the run args, env, cwd, python, defaults', () => {
    const c = buildTestLaunchConfig(runInput);
    assert.strictEqual(c.type, 'debugpy');
    assert.strictEqual(c.request, 'launch');
    assert.strictEqual(c.module, 'pytest');
    assert.strictEqual(c.python, '/usr/bin/python3');
    assert.deepStrictEqual(c.args, invocation.pytestArgs);
    assert.strictEqual(c.cwd, '/ws');
    assert.deepStrictEqual(c.env, runInput.env);
    assert.strictEqual(c.justMyCode, true);
    assert.strictEqual(c.console, 'internalConsole');
    assert.strictEqual(c.redirectOutput, true);
    assert.deepStrictEqual(c.purpose, []);
    assert.ok(c.name);
  });

  it('justMyCode comes from the setting, then launch.json, then launchProperties', () => {
    assert.strictEqual(buildTestLaunchConfig({ ...runInput, justMyCode: false }).justMyCode, false);
    const base = {
      name: 'T',
      type: 'debugpy',
      request: 'launch',
      purpose: ['debug-test'],
      justMyCode: false,
    };
    assert.strictEqual(buildTestLaunchConfig({ ...runInput, base }).justMyCode, false);
    assert.strictEqual(
      buildTestLaunchConfig({ ...runInput, base, launchProperties: { justMyCode: true } }).justMyCode,
      true,
    );
  });

  it('picks the launch.json entry marked debug-test, the way the Python extension does', () => {
    const configs = [
      { name: 'Django', type: 'debugpy', request: 'launch', program: 'manage.py' },
      { type: 'debugpy', request: 'launch', purpose: ['debug-test'] }, // no name: skipped
      { name: 'Node', type: 'node', request: 'launch', purpose: ['debug-test'] }, // not Python: skipped
      'garbage',
      null,
      {
        name: 'Tests (python)',
        type: 'python',
        request: 'launch',
        purpose: ['debug-in-terminal', 'debug-test'],
      },
      { name: 'Second', type: 'debugpy', request: 'launch', purpose: ['debug-test'] },
    ];
    assert.strictEqual(findTestDebugConfig(configs)?.name, 'Tests (python)');
    assert.strictEqual(
      findTestDebugConfig([{ name: 'Legacy', type: 'python', request: 'test' }])?.name,
      'Legacy',
    );
    assert.strictEqual(findTestDebugConfig(configs.slice(0, 5)), undefined);
    assert.strictEqual(findTestDebugConfig({ configurations: [] }), undefined);
    assert.strictEqual(findTestDebugConfig(undefined), undefined);
  });

  it('a launch.json base fills and the run overrides what it needs', () => {
    const base = {
      name: 'My test debugging',
      type: 'python',
      request: 'test',
      purpose: ['debug-test'],
      program: '${file}',
      module: 'unittest',
      args: ['-k', 'nothing'],
      cwd: '/elsewhere',
      console: 'integratedTerminal',
      subProcess: false,
      django: true,
      env: { FOO: 'from-launch-json', BAR: 'bar', CIT_RESULTS_PORT: '1', PYTHONPATH: '/mine' },
    };
    const c = buildTestLaunchConfig({ ...runInput, base, launchProperties: { showReturnValue: false } });
    assert.strictEqual(c.name, 'My test debugging');
    assert.strictEqual(c.type, 'debugpy');
    assert.strictEqual(c.request, 'launch');
    assert.strictEqual(c.module, 'pytest');
    assert.strictEqual('program' in c, false);
    assert.deepStrictEqual(c.args, invocation.pytestArgs);
    assert.strictEqual(c.cwd, '/ws');
    assert.deepStrictEqual(c.purpose, []);
    // The user's own keys survive.
    assert.strictEqual(c.console, 'integratedTerminal');
    assert.strictEqual(c.subProcess, false);
    assert.strictEqual(c.django, true);
    assert.strictEqual(c.showReturnValue, false);
    // launch.json env wins over settings env, never over what the run needs; PYTHONPATH is joined.
    assert.strictEqual(c.env.FOO, 'from-launch-json');
    assert.strictEqual(c.env.BAR, 'bar');
    assert.strictEqual(c.env.CIT_RESULTS_PORT, '4001');
    assert.strictEqual(c.env.INTEGRATION_DJANGO_URL, 'http://127.0.0.1:8000');
    assert.strictEqual(c.env.PYTHONPATH, '/ext/python:/mine');
  });

  it("launch.json's python wins over the workspace interpreter", () => {
    const base = {
      name: 'T',
      type: 'debugpy',
      request: 'launch',
      purpose: ['debug-test'],
      python: '/venv/bin/python',
    };
    assert.strictEqual(buildTestLaunchConfig({ ...runInput, base }).python, '/venv/bin/python');
  });

  it('envDelta keeps only what a run adds or changes', () => {
    assert.deepStrictEqual(envDelta({ A: '1', B: '2', C: undefined }, { A: '1', B: 'x' }), { B: '2' });
  });
});
