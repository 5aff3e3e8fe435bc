import * as assert from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { ChildProcess, runToEnd } from '../../../src/core/process/childProcess';
import { isReady, probeHealth } from '../../../src/core/django/health';
import { checkPort } from '../../../src/core/django/portOwner';
import {
  freePortForSession,
  type SessionPortConflict,
  type SessionPortDecision,
} from '../../../src/core/django/sessionPort';
import { pidAlive, waitUntil } from '../support';
import { FixtureCopy, freePort, SYSTEM_PYTHON } from './djangoFixture';

/**
 * What VS Code's proxy support does to `http` in the extension host: every request gets its agent, one that does
 * not keep connections alive (so Node asks for "Connection: close"). Returns the undo.
 */
function closeEveryHttpRequest(): () => void {
  // The real module object (an `import * as` namespace would be a copy under esbuild).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('node:http') as Record<'request' | 'get', (...args: unknown[]) => unknown>;
  const saved = { request: http.request, get: http.get };
  const agent = new Agent({ keepAlive: false });
  const withAgent =
    (original: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const i = args.findIndex((a) => typeof a === 'object' && a !== null && !(a instanceof URL));
      if (i >= 0) args[i] = { ...(args[i] as object), agent };
      else args.splice(typeof args[0] === 'function' ? 0 : 1, 0, { agent });
      return original(...args);
    };
  http.request = withAgent(saved.request);
  http.get = withAgent(saved.get);
  return () => {
    Object.assign(http, saved);
    agent.destroy();
  };
}

describe('Session mode: the port the session Django needs is made free before the run', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'cit-session-port-'));
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) await c.stop();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function stray(port: number): Promise<ChildProcess> {
    const child = new ChildProcess({
      command: SYSTEM_PYTHON,
      args: ['-m', 'http.server', String(port), '--bind', '127.0.0.1'],
      cwd: dir,
      env: process.env,
    });
    children.push(child);
    await waitUntil(async () => (await checkPort('127.0.0.1', port)).kind === 'busy', 10_000, 50);
    return child;
  }

  const answering =
    (answer: SessionPortDecision, asked: SessionPortConflict[]) => async (c: SessionPortConflict) => {
      asked.push(c);
      return answer;
    };

  it('a free port: nothing is asked', async () => {
    const asked: SessionPortConflict[] = [];
    const port = await freePort();
    const r = await freePortForSession({ host: '127.0.0.1', port, ask: answering('kill', asked) });
    assert.deepStrictEqual(r, { kind: 'free', lingering: 0 });
    assert.strictEqual(asked.length, 0);
  });

  it('Cancel: names the owner (pid, command line), leaves it running, and says what to do', async () => {
    const port = await freePort();
    const child = await stray(port);
    const asked: SessionPortConflict[] = [];
    const r = await freePortForSession({ host: '127.0.0.1', port, ask: answering('cancel', asked) });
    assert.strictEqual(asked[0].owner?.pid, child.pid);
    assert.match(asked[0].owner?.commandLine ?? '', /-m http\.server/);
    assert.strictEqual(r.kind, 'busy');
    if (r.kind !== 'busy') return;
    assert.match(r.message, new RegExp(`port ${port} is in use by pid ${child.pid} \\(.*http\\.server`));
    assert.match(r.message, /session starts its own Django/);
    assert.match(r.message, /Kill It|kill \d+/);
    assert.ok(pidAlive(child.pid!), 'Cancel leaves the process alone');
  });

  it("the health probe leaves no TIME_WAIT on Django's port: a session can bind it right after Django stops", async () => {
    // As in VS Code's extension host, where the proxy support gives every http request an agent that sends
    // "Connection: close" (Django then closes first, and its port stays in TIME_WAIT for a minute).
    const restore = closeEveryHttpRequest();
    const port = await freePort();
    const fixture = new FixtureCopy();
    await fixture.migrate();
    try {
      const django = new ChildProcess({
        command: SYSTEM_PYTHON,
        args: ['backend/manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
        cwd: fixture.dir,
        env: { ...process.env, DJANGO_DB_PATH: fixture.db },
      });
      children.push(django);
      await waitUntil(
        async () => isReady(await probeHealth(`http://127.0.0.1:${port}/health/`)),
        30_000,
        100,
      );
      for (let i = 0; i < 3; i++) await probeHealth(`http://127.0.0.1:${port}/health/`);
      restore();
      await django.stop();
      // What the team's conftest does: bind without SO_REUSEADDR (a TIME_WAIT socket on the port fails it).
      const bind = await runToEnd({
        command: SYSTEM_PYTHON,
        args: ['-c', `import socket; socket.socket().bind(("127.0.0.1", ${port})); print("bound")`],
        cwd: dir,
        env: process.env,
        timeoutMs: 10_000,
      });
      assert.strictEqual(bind.stdout.trim(), 'bound', bind.stderr);
    } finally {
      restore();
      fixture.remove();
    }
  });

  it('Kill It: kills the owner and its tree, then the port is free', async () => {
    const port = await freePort();
    const child = await stray(port);
    const asked: SessionPortConflict[] = [];
    const r = await freePortForSession({ host: '127.0.0.1', port, ask: answering('kill', asked) });
    assert.strictEqual(r.kind, 'freed');
    assert.strictEqual((await checkPort('127.0.0.1', port)).kind, 'free');
    await child.stopped;
    assert.ok(!pidAlive(child.pid!));
  });
});
