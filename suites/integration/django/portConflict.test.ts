import * as assert from 'node:assert';
import { silentLogger } from '../../../src/core/logger';
import { ChildProcess } from '../../../src/core/process/childProcess';
import { DjangoServer, DjangoStartError, type PortConflict } from '../../../src/core/django/server';
import { checkPort } from '../../../src/core/django/portOwner';
import { pidAlive, waitUntil } from '../support';
import { FixtureCopy, freePort, SYSTEM_PYTHON } from './djangoFixture';

describe('DjangoServer: something else holds the port', function () {
  this.timeout(60_000);
  const fixture = new FixtureCopy();
  const cleanup: (() => Promise<unknown>)[] = [];

  before(() => fixture.migrate());
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  after(() => fixture.remove());

  async function foreignHttpServer(port: number): Promise<ChildProcess> {
    const child = new ChildProcess({
      command: SYSTEM_PYTHON,
      args: ['-m', 'http.server', String(port), '--bind', '127.0.0.1'],
      cwd: fixture.dir,
      env: process.env,
    });
    cleanup.push(() => child.stop());
    await waitUntil(async () => (await checkPort('127.0.0.1', port)).kind === 'busy', 10_000, 50);
    return child;
  }

  function server(): DjangoServer {
    const s = new DjangoServer(silentLogger);
    cleanup.push(() => s.stop());
    return s;
  }

  it('cancel: says which process holds it (pid and command line), leaves it alone, does not start', async () => {
    const port = await freePort();
    const foreign = await foreignHttpServer(port);
    const asked: PortConflict[] = [];
    const s = server();
    const error = await s
      .start(await fixture.launch(port), { onPortBusy: async (c) => (asked.push(c), 'cancel') })
      .then(
        () => assert.fail('should not start'),
        (e: unknown) => e,
      );
    assert.strictEqual(asked.length, 1);
    assert.strictEqual(asked[0].owner?.pid, foreign.pid);
    assert.match(asked[0].owner?.commandLine ?? '', /-m http\.server/);
    assert.strictEqual(
      asked[0].reusable,
      false,
      'an http.server is not a Django, even though it answers (404)',
    );
    assert.ok(error instanceof DjangoStartError);
    assert.strictEqual(error.failure, 'portBusy');
    assert.match(
      error.message,
      new RegExp(`port ${port} is in use by pid ${foreign.pid} \\(.*http\\.server.*\\)`),
    );
    assert.strictEqual(s.state.kind, 'stopped');
    assert.ok(pidAlive(foreign.pid!), 'never killed without asking');
  });

  it('without a prompt the answer is cancel: nothing is killed', async () => {
    const port = await freePort();
    const foreign = await foreignHttpServer(port);
    await assert.rejects(server().start(await fixture.launch(port)), DjangoStartError);
    assert.ok(pidAlive(foreign.pid!));
  });

  it('kill: the holder goes, Django starts on the port', async () => {
    const port = await freePort();
    const foreign = await foreignHttpServer(port);
    const s = server();
    const ready = await s.start(await fixture.launch(port), { onPortBusy: async () => 'kill' });
    await foreign.stopped;
    assert.ok(!pidAlive(foreign.pid!));
    assert.strictEqual(ready.external, false);
    assert.strictEqual(s.state.kind === 'ready' && s.state.pid, s.pid);
  });

  it('reuse: a Django answering the health URL is reused, and Stop leaves it running', async () => {
    const port = await freePort();
    const launch = await fixture.launch(port);
    const first = server();
    await first.start(launch);
    const firstPid = first.pid!;
    const second = server();
    let conflict: PortConflict | undefined;
    const ready = await second.start(launch, { onPortBusy: async (c) => ((conflict = c), 'reuse') });
    assert.strictEqual(conflict?.reusable, true);
    assert.match(conflict?.owner?.commandLine ?? '', /manage\.py runserver/);
    assert.strictEqual(ready.external, true);
    assert.strictEqual(ready.apiKey, first.apiKey);
    assert.strictEqual(second.state.kind === 'ready' && second.state.external, true);
    await second.stop();
    assert.ok(pidAlive(firstPid));
    assert.strictEqual(first.state.kind, 'ready');
  });

  it('reuse is refused for a process that is not Django: treated as cancel', async () => {
    const port = await freePort();
    const foreign = await foreignHttpServer(port);
    await assert.rejects(
      server().start(await fixture.launch(port), { onPortBusy: async () => 'reuse' }),
      /is in use by/,
    );
    assert.ok(pidAlive(foreign.pid!));
  });
});
