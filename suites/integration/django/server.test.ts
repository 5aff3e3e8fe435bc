import * as assert from 'node:assert';
import { join } from 'node:path';
import { runToEnd } from '../../../src/core/process/childProcess';
import { silentLogger } from '../../../src/core/logger';
import { CancelledError } from '../../../src/core/cancel';
import { LogStore, DJANGO_SOURCE } from '../../../src/core/logs/logStore';
import { DjangoServer, DjangoStartError, type DjangoCrash } from '../../../src/core/django/server';
import { findPortOwner, checkPort } from '../../../src/core/django/portOwner';
import { probeHealth } from '../../../src/core/django/health';
import { pidAlive, waitUntil } from '../support';
import { FixtureCopy, freePort } from './djangoFixture';

describe("DjangoServer with the fixture's real Django (autoreloader on)", function () {
  this.timeout(90_000);
  const fixture = new FixtureCopy();
  const servers: DjangoServer[] = [];
  const pids: number[] = [];

  before(async () => {
    await fixture.migrate();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    for (const pid of pids.splice(0)) {
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
  after(() => fixture.remove());

  function newServer(logStore?: LogStore): DjangoServer {
    const s = new DjangoServer(silentLogger, logStore);
    servers.push(s);
    return s;
  }

  /** Both pids of a running dev server: the autoreloader parent and the child that serves the port. */
  async function treeOf(server: DjangoServer, port: number): Promise<{ parent: number; child: number }> {
    const owner = await findPortOwner(port);
    assert.ok(owner && server.pid, 'the server runs and someone holds its port');
    assert.notStrictEqual(owner.pid, server.pid, 'the autoreloader forks: the port holder is its child');
    assert.strictEqual(owner.ppid, server.pid);
    pids.push(owner.pid, server.pid);
    return { parent: server.pid, child: owner.pid };
  }

  it('starts, answers health, fetches the key, restarts, and stops leaving no process', async () => {
    const port = await freePort();
    const launch = await fixture.launch(port);
    const store = new LogStore();
    const server = newServer(store);
    const states: string[] = [];
    server.onDidChangeState((s) => states.push(s.kind));
    let output = '';
    server.onOutput((c) => (output += c));

    const ready = await server.start(launch);
    assert.strictEqual(ready.url, `http://127.0.0.1:${port}`);
    assert.match(ready.apiKey ?? '', /^[0-9a-f]{40}$/);
    assert.strictEqual(server.apiKey, ready.apiKey);
    assert.deepStrictEqual(ready.problems, []);
    assert.deepStrictEqual(states, ['starting', 'ready']);
    const health = await probeHealth(`${ready.url}/health/`);
    assert.strictEqual(health.kind === 'answered' && health.status, 200);
    const first = await treeOf(server, port);
    assert.ok(
      store.tail(DJANGO_SOURCE, 100).some((l) => l.text.includes('Starting development server')),
      'lines reach the log store',
    );
    assert.ok(
      store.tail(DJANGO_SOURCE, 100).every((l) => !l.text.includes('\x1b[')),
      'log store lines carry no color codes',
    );
    assert.ok(output.includes('\x1b['), 'the terminal output keeps its colors');

    const again = await server.restart(launch);
    assert.strictEqual(again.apiKey, ready.apiKey, 'the same user keeps the same key across restarts');
    await waitUntil(() => !pidAlive(first.parent) && !pidAlive(first.child), 5000);
    const second = await treeOf(server, port);
    assert.notStrictEqual(second.parent, first.parent);

    await server.stop();
    assert.strictEqual(server.state.kind, 'stopped');
    assert.strictEqual(server.apiKey, undefined);
    await waitUntil(() => !pidAlive(second.parent) && !pidAlive(second.child), 5000);
    assert.deepStrictEqual(await checkPort('127.0.0.1', port), { kind: 'free' });
    assert.deepStrictEqual(states, ['starting', 'ready', 'stopped', 'starting', 'ready', 'stopped']);
  });

  it('a second start while starting joins the first (one process)', async () => {
    const port = await freePort();
    const launch = await fixture.launch(port);
    const server = newServer();
    const a = server.start(launch);
    const b = server.start(launch);
    assert.strictEqual(a, b);
    const ready = await a;
    const pid = server.pid;
    const c = await server.start(launch);
    assert.strictEqual(c, ready, 'a start while ready returns the running server');
    assert.strictEqual(server.pid, pid);
    await treeOf(server, port);
  });

  it('stop while starting cancels the start and leaves no process', async () => {
    const port = await freePort();
    const server = newServer();
    const starting = server.start(await fixture.launch(port));
    await waitUntil(() => server.pid !== undefined, 10_000);
    const pid = server.pid!;
    pids.push(pid);
    await server.stop();
    await assert.rejects(starting, CancelledError);
    assert.strictEqual(server.state.kind, 'stopped');
    await waitUntil(() => !pidAlive(pid), 5000);
    await waitUntil(async () => (await checkPort('127.0.0.1', port)).kind === 'free', 5000);
  });

  it('dispose (deactivation, window close) kills both processes at once', async () => {
    const port = await freePort();
    const server = new DjangoServer(silentLogger);
    await server.start(await fixture.launch(port));
    const tree = await treeOf(server, port);
    server.dispose();
    await waitUntil(() => !pidAlive(tree.parent) && !pidAlive(tree.child), 5000);
    assert.deepStrictEqual(await checkPort('127.0.0.1', port), { kind: 'free' });
  });

  for (const mode of ['stop', 'dispose'] as const) {
    it(`${mode} right before the extension host exits (window close, deactivation) leaves no process`, async () => {
      const port = await freePort();
      const run = await runToEnd({
        command: process.execPath,
        args: [join(__dirname, 'hostExit/index.js')],
        cwd: fixture.dir,
        env: {
          ...process.env,
          CIT_DJANGO_SETTINGS: JSON.stringify(fixture.settings(port)),
          CIT_DJANGO_EXIT: mode,
        },
        timeoutMs: 60_000,
      });
      const tree = JSON.parse(run.stdout.trim()) as { parent: number; child: number };
      pids.push(tree.parent, tree.child);
      assert.ok(tree.parent && tree.child && tree.parent !== tree.child, run.stdout + run.stderr);
      await waitUntil(() => !pidAlive(tree.parent) && !pidAlive(tree.child), 5000);
    });
  }

  for (const victim of ['parent', 'child'] as const) {
    it(`Django's ${victim === 'parent' ? 'autoreloader parent' : 'serving child'} killed with SIGKILL: crashed, with the reason and last lines`, async () => {
      const port = await freePort();
      const server = newServer();
      await server.start(await fixture.launch(port));
      const tree = await treeOf(server, port);
      const crashes: DjangoCrash[] = [];
      server.onCrash((c) => crashes.push(c));
      process.kill(tree[victim], 'SIGKILL');
      await waitUntil(() => server.state.kind === 'crashed', 10_000);
      const state = server.state;
      assert.ok(state.kind === 'crashed');
      assert.match(state.reason, /SIGKILL/);
      assert.strictEqual(crashes.length, 1);
      assert.strictEqual(crashes[0].reason, state.reason);
      assert.ok(
        crashes[0].lastLines.some((l) => l.includes('Starting development server')),
        crashes[0].lastLines.join('\n'),
      );
      assert.ok(crashes[0].lastLines.length <= 50);
      // Whatever survived the kill (the orphaned reloader child) is cleaned up.
      await waitUntil(() => !pidAlive(tree.parent) && !pidAlive(tree.child), 5000);
    });
  }

  it('detects unapplied migrations, and migrate fixes the missing key', async () => {
    const port = await freePort();
    const server = newServer();
    const freshDb = `${fixture.db}.fresh`;
    const ready = await server.start(await fixture.launch(port, {}, freshDb));
    assert.deepStrictEqual(
      ready.problems.map((p) => p.kind),
      ['unappliedMigrations'],
    );
    assert.strictEqual(ready.apiKey, undefined);
    assert.match(ready.apiKeyFailure?.message ?? '', /API key command .* failed/);
    assert.ok(ready.apiKeyFailure?.output.some((l) => l.includes('run `python manage.py migrate` first')));
    const migrated = await server.migrate();
    assert.deepStrictEqual(migrated, { ok: true, message: 'Migrations applied.' });
    assert.match(server.apiKey ?? '', /^[0-9a-f]{40}$/);
    assert.deepStrictEqual(server.readyInfo?.problems, []);
  });

  async function startFailure(
    overrides: Parameters<FixtureCopy['launch']>[1],
    port?: number,
  ): Promise<DjangoStartError> {
    const server = newServer();
    const error = await server.start(await fixture.launch(port ?? (await freePort()), overrides)).then(
      () => assert.fail('the start should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DjangoStartError, String(error));
    assert.strictEqual(server.state.kind, 'crashed');
    assert.strictEqual(server.state.kind === 'crashed' && server.state.reason, error.message);
    return error;
  }

  it('a missing manage.py is a clear message', async () => {
    const error = await startFailure({ command: 'uv run python nowhere/manage.py runserver' });
    assert.strictEqual(error.failure, 'exited');
    assert.match(
      error.message,
      /manage\.py was not found .*nowhere\/manage\.py.*codespaceTests\.django\.cwd/,
    );
    assert.ok(error.lastLines.some((l) => l.includes("can't open file")));
  });

  it('a missing start command is a clear message', async () => {
    const error = await startFailure({ command: 'no-such-django-runner runserver' });
    assert.match(
      error.message,
      /The command "no-such-django-runner" was not found\. Install it, or change the setting codespaceTests\.django\.command/,
    );
  });

  it('a health URL that never answers ends with a timeout message, and the process is stopped', async () => {
    // Accepts connections and never replies: every probe times out.
    const mute =
      'import socket,sys,time; h,p=sys.argv[-1].rsplit(":",1); s=socket.socket(); s.bind((h,int(p))); s.listen(); c=[]\nwhile True: c.append(s.accept())';
    const port = await freePort();
    const server = newServer();
    const starting = server.start(
      await fixture.launch(port, { command: `/usr/bin/python3 -c '${mute}'`, startTimeoutSeconds: 2 }),
    );
    await waitUntil(() => server.pid !== undefined, 5000);
    const pid = server.pid!;
    pids.push(pid);
    const error = await starting.then(
      () => assert.fail('should time out'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DjangoStartError);
    assert.strictEqual(error.failure, 'timedOut');
    assert.match(
      error.message,
      new RegExp(
        `Django did not answer http://127.0.0.1:${port}/health/ within 2 s \\(last: ECONNABORTED|ETIMEDOUT`,
      ),
    );
    assert.match(error.message, /startTimeoutSeconds/);
    assert.strictEqual(server.state.kind, 'crashed');
    await waitUntil(() => !pidAlive(pid), 5000);
  });
});
