import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelSource } from '../../../src/core/cancel';
import { runPytestUnderDebugger } from '../../../src/core/debug/testDebug';
import { buildPytestLaunch } from '../../../src/core/pytest/launch';
import { RESULTS_ENV_VAR, type FinishedEvent, type PluginEvent } from '../../../src/core/pytest/protocol';
import { waitUntil } from '../support';
import { topFrame } from './dapClient';
import { DapDebugger } from './dapDebugger';
import { copyFixture, INTEGRATION_DIR, lineOf, running, SYSTEM_PYTHON } from './support';

const PLUGIN_DIR = join(__dirname, '../../../../src/core/pytest/python');

/** The run path's own launch for one node id of the fixture (what the Test Explorer computes). */
function fixtureLaunch(root: string, nodeId: string) {
  return buildPytestLaunch({
    base: { command: SYSTEM_PYTHON, args: ['-m', 'pytest'] },
    mode: 'run',
    ini: join(root, INTEGRATION_DIR, 'pytest.ini'),
    nodeIds: [nodeId],
    extraArgs: ['-p', 'no:cacheprovider'],
    cwd: root,
    baseEnv: process.env,
    extraEnv: { INTEGRATION_DJANGO_URL: 'http://127.0.0.1:9', PYTHONDONTWRITEBYTECODE: '1' },
    pluginDir: PLUGIN_DIR,
  });
}

const settings = { interpreter: SYSTEM_PYTHON, justMyCode: true, requiredEnv: ['INTEGRATION_DJANGO_URL'] };

describe('debugging a test with real debugpy (python3 -m debugpy.adapter)', function () {
  this.timeout(90_000);

  it('stops at a breakpoint in the test, reads a local, continues, and the result arrives through the plugin', async () => {
    const fixture = copyFixture();
    const testFile = join(fixture.root, INTEGRATION_DIR, 'test_deploy.py');
    const line = lineOf(testFile, 'assert a + b == b + a', 'def test_add');
    const debug = new DapDebugger({ [testFile]: [line] });
    try {
      const launch = fixtureLaunch(fixture.root, 'test_deploy.py::test_add[1-2]');
      const events: PluginEvent[] = [];
      let output = '';
      const outcomeP = runPytestUnderDebugger(
        launch,
        { onEvent: (e) => events.push(e), onOutput: (t) => (output += t) },
        debug,
        settings,
      );
      await waitUntil(() => debug.client !== undefined, 30_000);
      const client = debug.client!;

      // Exactly the configuration the extension builds from the run's launch.
      const config = debug.configs[0];
      assert.strictEqual(config.type, 'debugpy');
      assert.strictEqual(config.request, 'launch');
      assert.strictEqual(config.module, 'pytest');
      assert.strictEqual(config.python, SYSTEM_PYTHON);
      assert.deepStrictEqual(config.args, launch.pytestArgs);
      assert.strictEqual(config.cwd, fixture.root);
      assert.match(config.env[RESULTS_ENV_VAR], /^unix:\/.*results\.sock$/);
      assert.strictEqual(config.env.INTEGRATION_DJANGO_URL, 'http://127.0.0.1:9');

      const stopped = await client.waitForEvent('stopped', 60_000);
      debug.snapshot();
      assert.strictEqual(stopped.reason, 'breakpoint');
      const frame = await topFrame(client, stopped.threadId as number);
      assert.strictEqual(frame.line, line);
      assert.strictEqual(frame.path, testFile);
      assert.strictEqual(frame.name, 'test_add');
      assert.strictEqual(frame.locals.get('a'), '1');
      assert.strictEqual(frame.locals.get('b'), '2');
      assert.ok(
        events.some((e) => e.event === 'started' && e.nodeid === 'test_deploy.py::test_add[1-2]'),
        'the plugin reported the test as started while it is paused',
      );

      await client.request('continue', { threadId: stopped.threadId });
      const outcome = await outcomeP;
      assert.strictEqual(outcome.problem, undefined, outcome.problem);
      assert.deepStrictEqual(outcome.exit, { kind: 'exited', code: 0 });
      assert.strictEqual(outcome.connected, true);
      const finished = events.filter((e): e is FinishedEvent => e.event === 'finished');
      assert.deepStrictEqual(
        finished.map((e) => [e.nodeid, e.outcome]),
        [['test_deploy.py::test_add[1-2]', 'passed']],
      );
      assert.match(output, /1 passed/);
    } finally {
      await debug.dispose();
      fixture.dispose();
    }
  });

  it('cancelling the run while paused ends the session and kills the debuggee', async () => {
    const fixture = copyFixture();
    const testFile = join(fixture.root, INTEGRATION_DIR, 'test_deploy.py');
    const debug = new DapDebugger({
      [testFile]: [lineOf(testFile, 'assert a + b == b + a', 'def test_add')],
    });
    const cancel = new CancelSource();
    try {
      const outcomeP = runPytestUnderDebugger(
        fixtureLaunch(fixture.root, 'test_deploy.py::test_add'),
        { token: cancel.token },
        debug,
        settings,
      );
      await waitUntil(() => debug.client !== undefined, 30_000);
      await debug.client!.waitForEvent('stopped', 60_000);
      debug.snapshot();
      const debuggee = [...debug.pids];
      assert.ok(debuggee.length >= 2, 'adapter and debuggee are running');
      cancel.cancel();
      const outcome = await outcomeP;
      assert.strictEqual(outcome.cancelled, true);
      assert.strictEqual(outcome.problem, undefined);
      const adapterPid = debuggee[0];
      await waitUntil(() => debuggee.filter((p) => p !== adapterPid).every((p) => !running(p)), 10_000).catch(
        () => {
          throw new Error(
            `still running after cancel: ${debuggee.filter(running).map(describePid).join(', ')}`,
          );
        },
      );
    } finally {
      await debug.dispose();
      fixture.dispose();
    }
  });
});

function describePid(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ');
    return `${pid} (${stat[2]}, ppid ${stat[3]}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 120)})`;
  } catch {
    return `${pid} (gone)`;
  }
}
