// Turning the run command into python + pytest arguments for the debugger, and the error a debug
// run ends with when that, or the debug session, cannot start.
import * as assert from 'node:assert';
import { pytestInvocation } from '../../../src/core/debug/testLaunch';
import { runPytestUnderDebugger, type Debugger } from '../../../src/core/debug/testDebug';
import { buildPytestLaunch } from '../../../src/core/pytest/launch';

describe('finding python and pytest arguments in the run command', () => {
  const ok = (run: { command: string; args: string[] }, interpreter = '/usr/bin/python3') => {
    const r = pytestInvocation(run, interpreter);
    if ('error' in r) throw new Error(r.error);
    return r;
  };
  it('python -m pytest', () => {
    assert.deepStrictEqual(
      ok({ command: '/usr/bin/python3', args: ['-m', 'pytest', '-c', 'p.ini', 'a::b'] }),
      {
        python: '/usr/bin/python3',
        pytestArgs: ['-c', 'p.ini', 'a::b'],
      },
    );
  });
  it('uv run pytest and uv run --frozen python -m pytest use the interpreter', () => {
    assert.deepStrictEqual(ok({ command: 'uv', args: ['run', 'pytest', 'a::b'] }, '/ws/.venv/bin/python'), {
      python: '/ws/.venv/bin/python',
      pytestArgs: ['a::b'],
    });
    assert.deepStrictEqual(
      ok({ command: 'uv', args: ['run', '--frozen', '--with', 'x', 'python', '-m', 'pytest', 'a'] }, '/p'),
      { python: '/p', pytestArgs: ['a'] },
    );
  });
  it('a pytest script on PATH', () => {
    assert.deepStrictEqual(ok({ command: 'pytest', args: ['-x'] }, '/p'), {
      python: '/p',
      pytestArgs: ['-x'],
    });
  });
  it('anything else is a clear error, not a throw', () => {
    const r = pytestInvocation({ command: 'make', args: ['test'] }, '/p');
    assert.ok('error' in r && /codespaceTests\.tests\.command/.test(r.error));
    assert.ok('error' in pytestInvocation({ command: 'python3', args: ['script.py'] }, '/p'));
  });
});

describe('a debug run that cannot start ends with its error', () => {
  const launch = buildPytestLaunch({
    base: { command: '/usr/bin/python3', args: ['-m', 'pytest'] },
    mode: 'run',
    ini: '/ws/it/pytest.ini',
    nodeIds: ['test_a.py::test_x'],
    extraArgs: [],
    cwd: '/ws',
    baseEnv: {},
    pluginDir: '/ext/python',
  });

  it('the session failing to start', async () => {
    const failing: Debugger = {
      start: async () => Promise.reject(new Error('Configured debug type "debugpy" is not supported.')),
    };
    const outcome = await runPytestUnderDebugger(launch, {}, failing, {
      interpreter: '/usr/bin/python3',
      justMyCode: true,
    });
    assert.strictEqual(outcome.cancelled, false);
    assert.strictEqual(outcome.exit.kind, 'failedToStart');
    assert.match(
      outcome.problem ?? '',
      /The debug session could not start: Configured debug type "debugpy" is not supported/,
    );
  });

  it('a run command the debugger cannot start', async () => {
    let started = false;
    const debug: Debugger = {
      start: async () => ((started = true), Promise.reject(new Error('unreachable'))),
    };
    const outcome = await runPytestUnderDebugger({ ...launch, command: 'make', args: ['test'] }, {}, debug, {
      interpreter: '/usr/bin/python3',
      justMyCode: true,
    });
    assert.strictEqual(started, false);
    assert.match(outcome.problem ?? '', /Cannot debug tests run by "make test/);
  });
});
