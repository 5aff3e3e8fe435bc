import * as assert from 'node:assert';
import { createServer, type Server } from 'node:net';
import {
  buildTestLaunchConfig,
  envDelta,
  findTestDebugConfig,
  pytestInvocation,
} from '../../../src/core/debug/testLaunch';
import { debugServerCommand, serverAttachConfig } from '../../../src/core/debug/serverDebug';
import { freePort, isPortFree, pickListenPort } from '../../../src/core/debug/ports';
import { checkDebugpy, installDebugpyHint } from '../../../src/core/debug/debugpyCheck';
import { SYSTEM_PYTHON } from './support';
import { runPytestUnderDebugger, type Debugger } from '../../../src/core/debug/testDebug';
import { buildPytestLaunch } from '../../../src/core/pytest/launch';
import { runToEnd } from '../../../src/core/process/childProcess';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

describe('Django under debugpy', () => {
  const listen = { host: '127.0.0.1', port: 5999 };
  it('wraps the interpreter form, adds --noreload once', () => {
    assert.deepStrictEqual(
      debugServerCommand(
        { command: '/usr/bin/python3', args: ['backend/manage.py', 'runserver', '127.0.0.1:8000'] },
        '/x',
        listen,
      ),
      {
        command: '/usr/bin/python3',
        args: [
          '-m',
          'debugpy',
          '--listen',
          '127.0.0.1:5999',
          'backend/manage.py',
          'runserver',
          '127.0.0.1:8000',
          '--noreload',
        ],
      },
    );
    const again = debugServerCommand(
      { command: 'python', args: ['manage.py', 'runserver', '--noreload', '0:8000'] },
      '/x',
      listen,
    );
    assert.strictEqual(again.args.filter((a) => a === '--noreload').length, 1);
  });
  it('wraps uv run python, and runs a script through the interpreter', () => {
    assert.deepStrictEqual(
      debugServerCommand(
        { command: 'uv', args: ['run', 'python', 'backend/manage.py', 'runserver', 'h:1'] },
        '/x',
        listen,
      ).args,
      [
        'run',
        'python',
        '-m',
        'debugpy',
        '--listen',
        '127.0.0.1:5999',
        'backend/manage.py',
        'runserver',
        'h:1',
        '--noreload',
      ],
    );
    assert.deepStrictEqual(
      debugServerCommand({ command: './manage.py', args: ['runserver', 'h:1'] }, '/venv/bin/python', listen),
      {
        command: '/venv/bin/python',
        args: [
          '-m',
          'debugpy',
          '--listen',
          '127.0.0.1:5999',
          './manage.py',
          'runserver',
          'h:1',
          '--noreload',
        ],
      },
    );
  });
  it('attach configuration: debugpy, attach, connect, justMyCode', () => {
    assert.deepStrictEqual(serverAttachConfig({ listen, justMyCode: false }), {
      name: 'Debug Django Server',
      type: 'debugpy',
      request: 'attach',
      connect: { host: '127.0.0.1', port: 5999 },
      justMyCode: false,
    });
  });
});

describe('listen port', () => {
  let holder: Server | undefined;
  afterEach(() => holder?.close());

  it('keeps the preferred port when free, picks another when it is taken', async () => {
    const preferred = await freePort();
    assert.deepStrictEqual(await pickListenPort('127.0.0.1', preferred), {
      port: preferred,
      preferredWasTaken: false,
    });
    const h = (holder = createServer());
    await new Promise<void>((r) => h.listen(preferred, '127.0.0.1', () => r()));
    assert.strictEqual(await isPortFree('127.0.0.1', preferred), false);
    const picked = await pickListenPort('127.0.0.1', preferred);
    assert.strictEqual(picked.preferredWasTaken, true);
    assert.notStrictEqual(picked.port, preferred);
    assert.strictEqual(await isPortFree('127.0.0.1', picked.port), true);
  });

  it('never picks a port the extension reserved', async () => {
    const reserved = await freePort();
    const picked = await pickListenPort('127.0.0.1', reserved, [reserved]);
    assert.notStrictEqual(picked.port, reserved);
  });
});

describe('is debugpy importable', function () {
  this.timeout(30_000);
  it('the system Python has it', async () => {
    const r = await checkDebugpy(SYSTEM_PYTHON, { cwd: process.cwd() });
    assert.strictEqual(r.kind, 'available');
    assert.match(r.kind === 'available' ? r.version : '', /^\d+\.\d+/);
  });
  it('an interpreter without it gets a message that says how to install it', async () => {
    // A fresh venv of the system Python does not see its Debian packages.
    const dir = mkdtempSync(join(tmpdir(), 'cit-venv-'));
    try {
      const venv = await runToEnd({
        command: SYSTEM_PYTHON,
        args: ['-m', 'venv', '--without-pip', dir],
        cwd: dir,
        env: process.env,
      });
      assert.deepStrictEqual(venv.exit, { kind: 'exited', code: 0 }, venv.stderr);
      const python = join(dir, 'bin/python');
      const r = await checkDebugpy(python, { cwd: dir });
      assert.strictEqual(r.kind, 'missing');
      assert.ok(
        r.kind === 'missing' && r.message.includes(`debugpy is not installed for ${python}`),
        JSON.stringify(r),
      );
      assert.ok(r.kind === 'missing' && r.message.includes(`${python} -m pip install debugpy`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a missing interpreter says so', async () => {
    const r = await checkDebugpy('/no/such/python', { cwd: process.cwd() });
    assert.strictEqual(r.kind, 'interpreterFailed');
    assert.match(
      r.kind === 'interpreterFailed' ? r.message : '',
      /could not be started.*codespaceTests\.python\.interpreter/,
    );
  });
  it('the install hint names apt for the system Python, pip for others', () => {
    assert.match(installDebugpyHint('/usr/bin/python3'), /apt-get install python3-debugpy/);
    assert.match(
      installDebugpyHint('/ws/.venv/bin/python'),
      /\/ws\/\.venv\/bin\/python -m pip install debugpy/,
    );
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
