import * as assert from 'node:assert';
import { ChildProcess, runToEnd } from '../../../src/core/process/childProcess';
import { CancelSource } from '../../../src/core/cancel';
import { pidAlive, waitUntil } from '../support';

describe('ChildProcess (the one child-process shape)', () => {
  it('reports the exit code and streams whole lines', async () => {
    const lines: string[] = [];
    const child = new ChildProcess({
      command: 'sh',
      args: ['-c', 'printf "a\\nb"; echo c >&2; exit 3'],
      cwd: process.cwd(),
      env: process.env,
      onLine: (l, s) => lines.push(`${s}:${l}`),
    });
    const exit = await child.stopped;
    assert.deepStrictEqual(exit, { kind: 'exited', code: 3 });
    assert.deepStrictEqual(lines.sort(), ['stderr:c', 'stdout:a', 'stdout:b']);
  });

  it('says when the command is not found, without throwing', async () => {
    const { exit } = await runToEnd({
      command: 'no-such-command-xyz',
      args: [],
      cwd: process.cwd(),
      env: process.env,
    });
    assert.strictEqual(exit.kind, 'failedToStart');
    assert.strictEqual(exit.kind === 'failedToStart' && exit.notFound, true);
  });

  it('runToEnd keeps the tail of a flood, and says it was cut', async () => {
    // 8 MB on stdout (lines of 99 characters and a newline), the last line marked.
    const r = await runToEnd({
      command: 'sh',
      args: [
        '-c',
        'yes 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456 | head -c 8000000; echo LAST',
      ],
      cwd: process.cwd(),
      env: process.env,
      maxOutputChars: 100_000,
    });
    assert.deepStrictEqual(r.exit, { kind: 'exited', code: 0 });
    assert.strictEqual(r.truncated, true);
    assert.ok(r.stdout.length < 100_100, `kept ${r.stdout.length} characters`);
    assert.match(r.stdout, /^\[… 7900005 earlier characters cut …\]\n/);
    assert.ok(r.stdout.endsWith('LAST\n'), 'the tail is kept');
    const small = await runToEnd({ command: 'echo', args: ['hi'], cwd: process.cwd(), env: process.env });
    assert.deepStrictEqual([small.stdout, small.truncated], ['hi\n', false]);
  });

  it('stop() kills the whole tree, children included', async () => {
    let childPid = 0;
    const child = new ChildProcess({
      command: 'sh',
      args: ['-c', 'sleep 60 & echo $!; wait'],
      cwd: process.cwd(),
      env: process.env,
      onLine: (l) => (childPid ||= Number(l)),
    });
    await waitUntil(() => childPid > 0);
    assert.ok(pidAlive(childPid));
    const exit = await child.stop();
    assert.strictEqual(exit.kind, 'signalled');
    await waitUntil(() => !pidAlive(childPid), 3000);
  });

  it('a cancelled token stops it', async () => {
    const source = new CancelSource();
    const child = new ChildProcess({
      command: 'sleep',
      args: ['30'],
      cwd: process.cwd(),
      env: process.env,
      token: source.token,
    });
    source.cancel();
    const exit = await child.stopped;
    assert.notStrictEqual(exit.kind, 'exited');
  });
});

describe('ChildProcess when a grandchild keeps its pipes open', () => {
  it('still settles `stopped` soon after the parent exits', async () => {
    let grandchild = 0;
    const child = new ChildProcess({
      command: 'sh',
      // setsid: the grandchild leaves the group, like a daemonized adapter, and keeps stdout open.
      args: ['-c', 'setsid sleep 30 & echo $!; exit 0'],
      cwd: process.cwd(),
      env: process.env,
      onLine: (l) => (grandchild ||= Number(l)),
    });
    const exit = await child.stopped;
    assert.deepStrictEqual(exit, { kind: 'exited', code: 0 });
    // Settled while the grandchild still holds the pipes: it did not wait for them to close.
    assert.ok(grandchild && pidAlive(grandchild), 'settled before the grandchild ended');
    if (grandchild) process.kill(grandchild, 'SIGKILL');
  });
});
