// What debugging needs before it starts: a free port for debugpy to listen on, and debugpy itself.
import * as assert from 'node:assert';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isPortFree, pickListenPort } from '../../../src/core/debug/ports';
import { checkDebugpy, installDebugpyHint } from '../../../src/core/debug/debugpyCheck';
import { runToEnd } from '../../../src/core/process/childProcess';
import { SYSTEM_PYTHON } from './support';

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
