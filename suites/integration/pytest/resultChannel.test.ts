import * as assert from 'node:assert';
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { dirname } from 'node:path';
import type { Logger } from '../../../src/core/logger';
import {
  PROTOCOL_VERSION,
  RESULTS_ENV_VAR,
  RESULTS_NONCE_ENV_VAR,
  type PluginEvent,
} from '../../../src/core/pytest/protocol';
import { HELLO_GRACE_MS, MAX_EVENT_BYTES, ResultChannel } from '../../../src/core/pytest/resultChannel';

function memoryLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = () => undefined;
  return { warnings, trace: none, debug: none, info: none, error: none, warn: (m) => void warnings.push(m) };
}

const hello = (nonce: string) =>
  JSON.stringify({
    event: 'hello',
    version: PROTOCOL_VERSION,
    nonce,
    pid: 4242,
    pytest: '8',
    python: '3',
    rootdir: '/r',
  });
const started = (nodeid: string) => JSON.stringify({ event: 'started', nodeid, time: 1 });

/** Connects the way the plugin does: to the path after `unix:`. */
async function dial(channel: ResultChannel): Promise<Socket> {
  const path = channel.address.replace(/^unix:/, '');
  const socket = connect(path);
  await once(socket, 'connect');
  return socket;
}

/** Writes lines and waits until the channel has closed the connection (it drops impostors) or it ends. */
async function sendAndWaitClose(socket: Socket, lines: string[]): Promise<void> {
  // The channel resets the connection: an error here is the expected end.
  socket.on('error', () => undefined);
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.write(lines.map((l) => `${l}\n`).join(''));
  await closed;
}

describe('results channel: only the run can report', () => {
  let channel: ResultChannel;
  let logger: ReturnType<typeof memoryLogger>;
  let events: PluginEvent[];

  beforeEach(async () => {
    logger = memoryLogger();
    channel = await ResultChannel.open(logger);
    events = [];
    channel.onEvent((e) => events.push(e));
  });
  afterEach(() => channel.close());

  it('is a unix socket in a fresh folder only this user can enter, removed on close', () => {
    assert.match(channel.address, /^unix:\/.+\/results\.sock$/);
    const dir = dirname(channel.address.slice('unix:'.length));
    assert.strictEqual(statSync(dir).mode & 0o777, 0o700);
    assert.ok(statSync(channel.address.slice('unix:'.length)).isSocket());
    assert.deepStrictEqual(Object.keys(channel.env).sort(), [RESULTS_ENV_VAR, RESULTS_NONCE_ENV_VAR].sort());
    assert.match(channel.env[RESULTS_NONCE_ENV_VAR], /^[0-9a-f]{48}$/);
    channel.close();
    assert.strictEqual(existsSync(dir), false);
  });

  it('drops and logs a connection that sends events without the nonce', async () => {
    const socket = await dial(channel);
    await sendAndWaitClose(socket, [started('test_a.py::test_x'), started('test_a.py::test_y')]);
    assert.deepStrictEqual(events, []);
    assert.strictEqual(channel.connected, false);
    assert.strictEqual(logger.warnings.length, 1);
    assert.match(logger.warnings[0], /dropped a connection .*nonce/);
  });

  it('drops and logs a hello with a wrong nonce, and nothing it sends after', async () => {
    const wrong = channel.env[RESULTS_NONCE_ENV_VAR].replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const socket = await dial(channel);
    await sendAndWaitClose(socket, [hello(wrong), started('test_a.py::test_x')]);
    assert.deepStrictEqual(events, []);
    assert.match(
      logger.warnings.join('\n'),
      /dropped a connection whose first line did not carry this run's nonce/,
    );
  });

  it('drops a connection that floods bytes without ever sending a line', async () => {
    const socket = await dial(channel);
    await sendAndWaitClose(socket, ['x'.repeat(1024 * 1024)]);
    assert.deepStrictEqual(events, []);
    assert.match(logger.warnings.join('\n'), /sent no nonce/);
  });

  it('takes the run’s events after its hello, while an impostor next to it is dropped', async () => {
    const run = await dial(channel);
    const impostor = await dial(channel);
    run.write(`${hello(channel.env[RESULTS_NONCE_ENV_VAR])}\n${started('test_a.py::test_x')}\n`);
    await sendAndWaitClose(impostor, [started('test_a.py::test_evil')]);
    run.end(`${started('test_a.py::test_y')}\n`);
    await channel.drain(10_000);
    assert.deepStrictEqual(
      events.map((e) => (e.event === 'started' ? e.nodeid : e.event)),
      ['hello', 'test_a.py::test_x', 'test_a.py::test_y'],
    );
    assert.strictEqual(channel.connected, true);
    assert.strictEqual(logger.warnings.length, 1);
  });

  it('keeps what a plugin wrote before exiting while this process was busy: drain takes the pending connection', async () => {
    // pytest connects, writes and exits while the extension host runs other work: spawnSync blocks this
    // event loop the same way, so the connection and its bytes wait in the kernel when drain is called.
    const script = `const s = require('net').connect(process.argv[1], () => s.end(process.argv[2], () => s.destroy()));`;
    const lines = `${hello(channel.env[RESULTS_NONCE_ENV_VAR])}\n${started('test_a.py::test_quick')}\n`;
    const child = spawnSync(process.execPath, ['-e', script, channel.address.slice('unix:'.length), lines], {
      timeout: 10_000,
    });
    assert.strictEqual(child.status, 0, child.stderr.toString());
    await channel.drain(10_000);
    assert.strictEqual(channel.connected, true);
    assert.deepStrictEqual(
      events.map((e) => (e.event === 'started' ? e.nodeid : e.event)),
      ['hello', 'test_a.py::test_quick'],
    );
  });

  it('a connection that never sends anything holds the end-of-run drain for the hello grace only, not its full wait', async () => {
    const silent = await dial(channel);
    silent.on('error', () => undefined);
    const run = await dial(channel);
    run.end(`${hello(channel.env[RESULTS_NONCE_ENV_VAR])}\n${started('test_a.py::test_x')}\n`);
    const t0 = performance.now();
    await channel.drain(5000);
    const ms = performance.now() - t0;
    assert.ok(ms < HELLO_GRACE_MS + 1000, `the drain took ${ms.toFixed(0)} ms`);
    assert.ok(silent.destroyed || (await once(silent, 'close')), 'the silent connection is closed');
    assert.deepStrictEqual(
      events.map((e) => (e.event === 'started' ? e.nodeid : e.event)),
      ['hello', 'test_a.py::test_x'],
    );
    assert.match(logger.warnings.join('\n'), /sent no hello/);
  });

  it('reports an event longer than its cap instead of parsing it, and goes on with the next', async () => {
    const run = await dial(channel);
    run.on('error', () => undefined);
    const after = new Promise<void>((resolve) => channel.onEvent((e) => e.event === 'started' && resolve()));
    const long = JSON.stringify({ event: 'started', nodeid: 'x'.repeat(MAX_EVENT_BYTES), time: 1 });
    run.write(`${hello(channel.env[RESULTS_NONCE_ENV_VAR])}\n`);
    run.write(`${long}\n`);
    run.end(`${started('test_a.py::test_after')}\n`);
    await after;
    assert.deepStrictEqual(
      events.map((e) => e.event),
      ['hello', 'started'],
    );
    assert.match(
      logger.warnings.join('\n'),
      new RegExp(`dropped a plugin event longer than ${MAX_EVENT_BYTES} bytes`),
    );
    assert.ok(
      logger.warnings.every((w) => w.length < 1000),
      'the warning quotes only the start of the event',
    );
  });
});
