import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcess } from '../../../src/core/process/childProcess';
import {
  checkPort,
  findPortOwner,
  killPortOwner,
  treeRootOf,
  type PortOwner,
} from '../../../src/core/django/portOwner';
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

describe('Kill It kills only what it showed', function () {
  this.timeout(60_000);
  const started: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((c) => c.stop()));
  });

  /** A `bash` reading `script` from stdin (so its command line has no arguments), and the pid serving `port`. */
  async function shellTree(script: string, port: number): Promise<{ shell: ChildProcess; owner: PortOwner }> {
    const shell = new ChildProcess({
      command: 'bash',
      args: [],
      cwd: process.cwd(),
      env: process.env,
      input: script,
    });
    started.push(shell);
    let owner: PortOwner | undefined;
    await waitUntil(async () => (owner = await findPortOwner(port)) !== undefined, 10_000, 50);
    return { shell, owner: owner! };
  }
  const serve = (port: number) =>
    `import http.server\nhttp.server.HTTPServer(('127.0.0.1', ${port}), http.server.SimpleHTTPRequestHandler).serve_forever()`;

  it('a server without arguments started from a shell: the server dies, the shell survives', async () => {
    const port = await freePort();
    // `python3` reading its program from stdin has no arguments either: the old climb took the two as one.
    const { shell, owner } = await shellTree(
      `${SYSTEM_PYTHON} <<'EOF'\n${serve(port)}\nEOF\nsleep 60\n`,
      port,
    );
    assert.strictEqual(owner.commandLine, SYSTEM_PYTHON);
    assert.strictEqual(owner.ppid, shell.pid, 'the server is the shell child');
    assert.strictEqual((await treeRootOf(owner)).pid, owner.pid);
    assert.strictEqual(await killPortOwner(owner, '127.0.0.1', port), true);
    await waitUntil(() => !pidAlive(owner.pid), 5000);
    assert.ok(pidAlive(shell.pid!), 'the shell the server was started from was killed');
  });

  it("Django's autoreloader parent (same arguments, naming a server) goes with its child; the shell above survives", async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'reloader-'));
    // What runserver does: the parent re-runs its own command line with RUN_MAIN set, and the child serves.
    writeFileSync(
      join(dir, 'manage.py'),
      `import os, subprocess, sys\nif os.environ.get('RUN_MAIN') != 'true':\n    sys.exit(subprocess.call([sys.executable] + sys.argv, env={**os.environ, 'RUN_MAIN': 'true'}))\n${serve(port)}\n`,
    );
    const { shell, owner } = await shellTree(
      `${SYSTEM_PYTHON} ${join(dir, 'manage.py')} runserver ${port}\nsleep 60\n`,
      port,
    );
    try {
      const root = await treeRootOf(owner);
      assert.notStrictEqual(root.pid, owner.pid, 'the port holder is the child');
      assert.strictEqual(root.ppid, shell.pid);
      assert.strictEqual(await killPortOwner(owner, '127.0.0.1', port), true);
      await waitUntil(() => !pidAlive(owner.pid) && !pidAlive(root.pid), 5000);
      assert.ok(pidAlive(shell.pid!), 'the shell was killed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a pid whose start time changed since it was shown is not killed, and the kill says so', async () => {
    const port = await freePort();
    const { owner } = await shellTree(`${SYSTEM_PYTHON} <<'EOF'\n${serve(port)}\nEOF\n`, port);
    // The record shown in the prompt, as if the pid had since been reused by another process.
    const shown = { ...owner, startTime: String(Number(owner.startTime) - 1) };
    const notes: string[] = [];
    const freed = await killPortOwner(shown, '127.0.0.1', port, {
      note: (t) => notes.push(t),
      timeoutMs: 1000,
    });
    assert.strictEqual(freed, false);
    assert.ok(pidAlive(owner.pid), 'a process other than the one shown was killed');
    assert.match(notes.join('\n'), new RegExp(`pid ${owner.pid} .*so nothing was killed`));
  });
});
