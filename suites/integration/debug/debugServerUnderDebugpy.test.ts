import * as assert from 'node:assert';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { ChildProcess, runToEnd } from '../../../src/core/process/childProcess';
import { freePort, pickListenPort } from '../../../src/core/debug/ports';
import { debugServerCommand, serverAttachConfig } from '../../../src/core/debug/serverDebug';
import { DapClient, topFrame } from './dapClient';
import {
  copyFixture,
  descendants,
  INTEGRATION_DIR,
  lineOf,
  processesMatching,
  running,
  SYSTEM_PYTHON,
} from './support';
import { waitUntil } from '../support';

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/`, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}

describe('debugging the Django server with real debugpy (--listen, then attach)', function () {
  this.timeout(120_000);

  it('hits a breakpoint in a view while the API test runs against the server, then the test passes', async () => {
    const fixture = copyFixture();
    const env = {
      ...process.env,
      DJANGO_DB_PATH: join(fixture.root, 'debug-test.sqlite3'),
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
    };
    let server: ChildProcess | undefined;
    let pytest: ChildProcess | undefined;
    let client: DapClient | undefined;
    let socket: Socket | undefined;
    const pids = new Set<number>();
    const serverLines: string[] = [];
    try {
      const migrate = await runToEnd({
        command: SYSTEM_PYTHON,
        args: ['backend/manage.py', 'migrate', '--noinput'],
        cwd: fixture.root,
        env,
        timeoutMs: 60_000,
      });
      assert.deepStrictEqual(migrate.exit, { kind: 'exited', code: 0 }, migrate.stderr);

      const djangoPort = await freePort();
      const { port: debugPort } = await pickListenPort('127.0.0.1', await freePort(), [djangoPort]);
      const url = `http://127.0.0.1:${djangoPort}`;
      const cmd = debugServerCommand(
        { command: SYSTEM_PYTHON, args: ['backend/manage.py', 'runserver', `127.0.0.1:${djangoPort}`] },
        SYSTEM_PYTHON,
        { host: '127.0.0.1', port: debugPort },
      );
      assert.deepStrictEqual(cmd.args.slice(0, 4), ['-m', 'debugpy', '--listen', `127.0.0.1:${debugPort}`]);
      assert.ok(cmd.args.includes('--noreload'));
      server = new ChildProcess({
        ...cmd,
        cwd: fixture.root,
        env,
        name: 'Django (debug)',
        onLine: (l) => serverLines.push(l),
      });
      await waitUntil(() => healthy(url), 30_000, 200).catch(() => {
        throw new Error(`Django under debugpy never answered ${url}/health/:\n${serverLines.join('\n')}`);
      });
      pids.add(server.pid!);
      for (const p of descendants(server.pid!)) pids.add(p);

      // Attach the way the debugpy extension does for `connect`: a DAP connection straight to the port.
      const s = (socket = connect({ host: '127.0.0.1', port: debugPort }));
      await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
      client = new DapClient(s, s);
      // debugpy's adapter daemonizes (its own session): find it by its listen port to check it ends too.
      for (const p of processesMatching(`--port ${debugPort}`)) pids.add(p);
      await client.request('initialize', {
        clientID: 'cit-tests',
        adapterID: 'debugpy',
        linesStartAt1: true,
        pathFormat: 'path',
      });
      const attached = client.send(
        'attach',
        serverAttachConfig({
          listen: { host: '127.0.0.1', port: debugPort },
          justMyCode: true,
        }) as unknown as Record<string, unknown>,
      );
      await client.waitForEvent('initialized');
      const views = join(fixture.root, 'backend/applications/views.py');
      const line = lineOf(views, 'return JsonResponse({"username"', 'def whoami');
      await client.request('setBreakpoints', { source: { path: views }, breakpoints: [{ line }] });
      await client.request('configurationDone');
      const attachResponse = await attached;
      assert.ok(attachResponse.success, attachResponse.message);

      let pytestOut = '';
      pytest = new ChildProcess({
        command: SYSTEM_PYTHON,
        args: [
          '-m',
          'pytest',
          '-c',
          join(INTEGRATION_DIR, 'pytest.ini'),
          '-p',
          'no:cacheprovider',
          `${join(INTEGRATION_DIR, 'test_deploy.py')}::TestDeployments::test_whoami`,
        ],
        cwd: fixture.root,
        env: { ...env, INTEGRATION_DJANGO_URL: url },
        name: 'pytest',
        onData: (c) => (pytestOut += c),
      });

      const stopped = await client.waitForEvent('stopped', 60_000);
      assert.strictEqual(stopped.reason, 'breakpoint');
      const frame = await topFrame(client, stopped.threadId as number);
      assert.strictEqual(frame.path, views);
      assert.strictEqual(frame.line, line);
      assert.strictEqual(frame.name, 'whoami');
      assert.match(frame.locals.get('request') ?? '', /WSGIRequest: GET '\/api\/whoami\/'/);
      assert.strictEqual(pytest.hasStopped, false, 'the test waits while the view is paused');

      await client.request('continue', { threadId: stopped.threadId });
      const exit = await pytest.stopped;
      assert.deepStrictEqual(exit, { kind: 'exited', code: 0 }, pytestOut);
      assert.match(pytestOut, /1 passed/);

      // Detaching leaves the server serving (the extension then returns it to the normal managed state).
      await client.request('disconnect', { terminateDebuggee: false });
      assert.ok(await healthy(url), 'the server still answers after the debugger detached');
      for (const p of descendants(server.pid!)) pids.add(p);
    } finally {
      socket?.destroy();
      await pytest?.stop();
      await server?.stop();
      await waitUntil(() => [...pids].every((p) => !running(p)), 5000).catch(() => {
        throw new Error(`processes left behind: ${[...pids].filter(running).join(', ')}`);
      });
      fixture.dispose();
    }
    assert.ok(pids.size >= 2, `the server and debugpy's adapter were seen (pids ${[...pids].join(', ')})`);
  });
});
