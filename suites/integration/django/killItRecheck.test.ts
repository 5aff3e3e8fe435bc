import * as assert from 'node:assert';
import { settlePortConflict, type PortConflict } from '../../../src/core/django/conflict';
import { DjangoStartError } from '../../../src/core/django/diagnose';
import type { DjangoLaunch } from '../../../src/core/django/launch';
import { checkPort, findPortOwner, stillTheSame } from '../../../src/core/django/portOwner';
import { ChildProcess } from '../../../src/core/process/childProcess';
import { pidAlive, waitUntil } from '../support';
import { freePort, SYSTEM_PYTHON } from './djangoFixture';

describe('Kill It looks the process up again before killing', function () {
  this.timeout(60_000);
  const started: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((c) => c.stop()));
  });

  async function httpServer(port: number): Promise<ChildProcess> {
    const child = new ChildProcess({
      command: SYSTEM_PYTHON,
      args: ['-m', 'http.server', String(port), '--bind', '127.0.0.1'],
      cwd: process.cwd(),
      env: process.env,
    });
    started.push(child);
    await waitUntil(async () => (await findPortOwner(port))?.pid === child.pid, 10_000, 50);
    return child;
  }

  function launchOn(port: number): DjangoLaunch {
    const url = `http://127.0.0.1:${port}`;
    return { host: '127.0.0.1', port, url, healthUrl: `${url}/health/` } as DjangoLaunch;
  }

  it('a process that exited and was replaced while the question was open is not killed; the person is asked again', async () => {
    const port = await freePort();
    const first = await httpServer(port);
    const owner = await findPortOwner(port);
    assert.strictEqual(owner?.pid, first.pid);
    let replacement: ChildProcess | undefined;
    const asked: PortConflict[] = [];
    const notes: string[] = [];
    const outcome = settlePortConflict(
      launchOn(port),
      owner,
      async (c) => {
        asked.push(c);
        if (asked.length > 1) return 'cancel';
        // While the modal is open, the process ends and another takes the port.
        await first.stop();
        replacement = await httpServer(port);
        return 'kill';
      },
      (t) => notes.push(t),
      () => undefined,
    );
    await assert.rejects(outcome, DjangoStartError);
    assert.strictEqual(asked.length, 2, 'asked again about what holds the port now');
    assert.strictEqual(asked[1].owner?.pid, replacement?.pid);
    assert.match(
      asked[1].changed ?? '',
      new RegExp(`pid ${first.pid} .*changed since you were asked.*not killed`),
    );
    assert.ok(notes.some((n) => /changed since you were asked/.test(n)));
    assert.ok(pidAlive(replacement!.pid!), 'the replacement was never killed');
    assert.strictEqual((await checkPort('127.0.0.1', port)).kind, 'busy');
  });

  it('tells a reused pid apart by its start time, and the same process by all three', async () => {
    const port = await freePort();
    const server = await httpServer(port);
    const owner = (await findPortOwner(port))!;
    assert.match(owner.startTime, /^\d+$/);
    assert.deepStrictEqual(await stillTheSame(owner), { same: true });
    const older = await stillTheSame({ ...owner, startTime: String(Number(owner.startTime) - 1) });
    assert.strictEqual(older.same, false);
    assert.strictEqual(!older.same && older.now?.pid, server.pid);
    const other = await stillTheSame({ ...owner, commandLine: 'python3 manage.py runserver' });
    assert.strictEqual(other.same, false);
  });

  it('the same process, unchanged, is killed as asked', async () => {
    const port = await freePort();
    const server = await httpServer(port);
    const owner = await findPortOwner(port);
    const outcome = await settlePortConflict(
      launchOn(port),
      owner,
      async () => 'kill',
      () => undefined,
      () => undefined,
    );
    assert.strictEqual(outcome, 'freed');
    await server.stopped;
    assert.ok(!pidAlive(server.pid!));
  });
});
