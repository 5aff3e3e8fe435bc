import * as assert from 'node:assert';
import { ChildProcess } from '../../../src/core/process/childProcess';
import { checkPort, findPortOwner, killPortOwner, treeRootOf } from '../../../src/core/django/portOwner';
import { pidAlive, waitUntil } from '../support';
import { freePort, SYSTEM_PYTHON } from './djangoFixture';

describe('port owner lookup (/proc, no lsof)', () => {
  let server: ChildProcess | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function httpServer(port: number): Promise<ChildProcess> {
    const child = new ChildProcess({
      command: SYSTEM_PYTHON,
      args: ['-m', 'http.server', String(port), '--bind', '127.0.0.1'],
      cwd: process.cwd(),
      env: process.env,
    });
    await waitUntil(async () => (await checkPort('127.0.0.1', port)).kind === 'busy', 10_000, 50);
    return child;
  }

  it('says a free port is free', async () => {
    const port = await freePort();
    assert.deepStrictEqual(await checkPort('127.0.0.1', port), { kind: 'free' });
    assert.strictEqual(await findPortOwner(port), undefined);
  });

  it('finds the pid and command line of a python3 -m http.server holding the port', async () => {
    const port = await freePort();
    server = await httpServer(port);
    const owner = await findPortOwner(port);
    assert.ok(owner, 'an owner is found');
    assert.strictEqual(owner.pid, server.pid);
    assert.strictEqual(owner.commandLine, `${SYSTEM_PYTHON} -m http.server ${port} --bind 127.0.0.1`);
    assert.strictEqual(owner.ppid, process.pid);
    const check = await checkPort('127.0.0.1', port);
    assert.strictEqual(check.kind, 'busy');
    assert.strictEqual(check.kind === 'busy' && check.owner?.pid, server.pid);
    // Its parent (this test runner) runs other arguments, so the tree to kill starts at the server itself.
    assert.strictEqual((await treeRootOf(owner)).pid, server.pid);
  });

  it('kills the owner and reports the port free', async () => {
    const port = await freePort();
    server = await httpServer(port);
    const owner = (await findPortOwner(port))!;
    assert.strictEqual(await killPortOwner(owner, '127.0.0.1', port), true);
    await waitUntil(() => !pidAlive(owner.pid), 5000);
    assert.deepStrictEqual(await checkPort('127.0.0.1', port), { kind: 'free' });
  });
});
