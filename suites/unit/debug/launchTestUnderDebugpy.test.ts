import * as assert from 'node:assert';
import { join } from 'node:path';
import { buildTestLaunchConfig, pytestInvocation } from '../../../src/core/debug/testLaunch';
import {
  copyFixture,
  descendants,
  INTEGRATION_DIR,
  killAndWait,
  lineOf,
  startAdapter,
  SYSTEM_PYTHON,
} from './support';
import { topFrame } from './dapClient';

describe('debugging a test with real debugpy (python3 -m debugpy.adapter)', function () {
  this.timeout(90_000);

  it('stops at a breakpoint in the test, reads a local, continues, and the result arrives', async () => {
    const fixture = copyFixture();
    const adapter = startAdapter();
    const seen = new Set<number>();
    const remember = () => {
      for (const p of descendants(adapter.process.pid!)) seen.add(p);
    };
    try {
      const testFile = join(fixture.root, INTEGRATION_DIR, 'test_deploy.py');
      const line = lineOf(testFile, 'assert a + b == b + a', 'def test_add');
      const invocation = pytestInvocation(
        {
          command: SYSTEM_PYTHON,
          args: [
            '-m',
            'pytest',
            '-c',
            join(INTEGRATION_DIR, 'pytest.ini'),
            '-p',
            'no:cacheprovider',
            `${join(INTEGRATION_DIR, 'test_deploy.py')}::test_add[1-2]`,
          ],
        },
        'python3-not-used',
      );
      assert.ok(!('error' in invocation), JSON.stringify(invocation));
      const config = buildTestLaunchConfig({
        invocation,
        cwd: fixture.root,
        env: { PYTHONDONTWRITEBYTECODE: '1', INTEGRATION_DJANGO_URL: 'http://127.0.0.1:9' },
        requiredEnv: ['INTEGRATION_DJANGO_URL'],
        justMyCode: true,
      });
      const { client } = adapter;
      await client.request('initialize', {
        clientID: 'cit-tests',
        adapterID: 'debugpy',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      // debugpy answers `launch` only after `configurationDone`.
      const launched = client.send('launch', config as unknown as Record<string, unknown>, 60_000);
      await client.waitForEvent('initialized');
      const bps = await client.request('setBreakpoints', {
        source: { path: testFile },
        breakpoints: [{ line }],
      });
      assert.strictEqual((bps.breakpoints as { verified: boolean }[]).length, 1);
      await client.request('configurationDone');
      const launchResponse = await launched;
      assert.ok(launchResponse.success, `launch failed: ${launchResponse.message}`);

      const stopped = await client.waitForEvent('stopped', 60_000);
      remember();
      assert.strictEqual(stopped.reason, 'breakpoint');
      const frame = await topFrame(client, stopped.threadId as number);
      assert.strictEqual(frame.line, line);
      assert.strictEqual(frame.path, testFile);
      assert.strictEqual(frame.name, 'test_add');
      assert.strictEqual(frame.locals.get('a'), '1');
      assert.strictEqual(frame.locals.get('b'), '2');

      await client.request('continue', { threadId: stopped.threadId });
      const exited = await client.waitForEvent('exited', 60_000);
      await client.waitForEvent('terminated', 10_000);
      const out = client.outputText();
      assert.strictEqual(exited.exitCode, 0, out);
      assert.match(out, /test_deploy\.py::test_add\[1-2\] PASSED|1 passed/);
      assert.ok(seen.size > 0, 'the debuggee ran as a child of the adapter');
    } finally {
      await killAndWait(adapter.process.pid, [adapter.process.pid!, ...seen]);
      fixture.dispose();
    }
  });
});
