// The UI tier's one wait: poll, with a readable failure naming what was last seen.
import { connect } from 'node:net';

/**
 * Polls `read` until `ok(value)` holds (every `everyMs`, at most `timeoutMs`) and returns that value. A `read`
 * that throws counts as not yet. At the end, throws `failure(last value or error)`.
 */
export async function waitUntil(read, ok, failure, { timeoutMs = 30_000, everyMs = 250 } = {}) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (e) {
      last = { error: String(e) };
    }
    if (Date.now() >= until) throw new Error(failure(last));
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until `child` (a server this step started) listens on `port`; throws when it exits first or is late. */
export async function waitUntilListening(child, port, what, timeoutMs) {
  const listening = () =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error(`${what} exited (${child.exitCode})`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  await waitUntil(
    listening,
    (up) => up === true,
    (last) => `${what} did not listen within ${timeoutMs / 1000} s${last?.error ? `: ${last.error}` : ''}`,
    { timeoutMs, everyMs: 100 },
  );
}
