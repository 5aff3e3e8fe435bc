import { connect } from 'node:net';
import { CancelledError, delay, type CancelToken } from '../cancel';

/** One answer of the health URL: the HTTP status and the `Server` header, or why there was none. */
export type HealthAnswer =
  { kind: 'answered'; status: number; server: string | undefined } | { kind: 'noAnswer'; error: string };

/** More of an answer than a health probe reads (the status line and headers, then the body it announces). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Asks the health URL once. Any HTTP answer counts (the caller decides what "ready" means); never throws.
 *
 * One GET over a socket of its own, not through Node's `http`: in VS Code's extension host the proxy support
 * swaps the agent of every `http` request for one that sends "Connection: close", and Django then closes
 * first, which leaves Django's port in TIME_WAIT for a minute after Django stops; a session fixture that
 * checks the port by binding it without SO_REUSEADDR then fails with "port already in use". Here the answer is
 * read to its announced end and our side closes first, so the TIME_WAIT is ours, on a port nobody binds.
 */
export function probeHealth(url: string, timeoutMs = 2000): Promise<HealthAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ kind: 'noAnswer', error: `${url} is not a URL` });
  }
  if (target.protocol !== 'http:')
    return Promise.resolve({ kind: 'noAnswer', error: `${url}: only http:// health URLs can be probed` });
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 80);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let head: { status: number; server: string | undefined; bodyEnd: number | undefined } | undefined;
    let done = false;
    const finish = (answer: HealthAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.on('error', () => {});
      if (answer.kind !== 'answered') {
        socket.destroy();
        return resolve(answer);
      }
      // Our FIN must be out before the caller can stop Django (its FIN first would leave the TIME_WAIT on
      // Django's side): answer once the kernel has it, or after a moment whatever happens.
      const sent = setTimeout(() => resolve(answer), 1000);
      socket.end(() => {
        clearTimeout(sent);
        resolve(answer);
      });
      // A server that never closes its side does not keep the socket forever.
      setTimeout(() => socket.destroy(), 5000).unref();
    };
    const timer = setTimeout(
      () => finish({ kind: 'noAnswer', error: `ETIMEDOUT: no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
          'User-Agent: codespace-tests-health\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n',
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      head ??= parseHead(received);
      if (!head) {
        if (received.length > MAX_ANSWER_BYTES)
          finish({ kind: 'noAnswer', error: `${url} did not answer with HTTP` });
        return;
      }
      if (head.status < 0) return finish({ kind: 'noAnswer', error: `${url} did not answer with HTTP` });
      // Done once the announced body is in (or when it is more than a probe reads: then closed now).
      if (head.bodyEnd === undefined || received.length >= head.bodyEnd || head.bodyEnd > MAX_ANSWER_BYTES)
        finish({ kind: 'answered', status: head.status, server: head.server });
    });
    socket.on('end', () => {
      if (head && head.status >= 0) finish({ kind: 'answered', status: head.status, server: head.server });
      else finish({ kind: 'noAnswer', error: 'ECONNRESET: the connection closed before an answer' });
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      finish({ kind: 'noAnswer', error: e.code ? `${e.code}: ${e.message}` : e.message }),
    );
  });
}

/**
 * The status and `Server` header once the head is complete (undefined before; status -1: not HTTP), and where
 * the body ends when a Content-Length announces it.
 */
function parseHead(
  received: Buffer,
): { status: number; server: string | undefined; bodyEnd: number | undefined } | undefined {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})\b/.exec(statusLine);
  if (!m) return { status: -1, server: undefined, bodyEnd: undefined };
  const header = (name: string) => {
    const line = lines.find((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name);
    return line?.slice(line.indexOf(':') + 1).trim();
  };
  const length = Number(header('content-length'));
  return {
    status: Number(m[1]),
    server: header('server'),
    bodyEnd: Number.isFinite(length) && length >= 0 ? end + 4 + length : undefined,
  };
}

/** Ready means the health URL answers with a status below 500. */
export function isReady(answer: HealthAnswer): boolean {
  return answer.kind === 'answered' && answer.status < 500;
}

type HealthWait =
  { kind: 'ready' } | { kind: 'timedOut'; last: HealthAnswer | undefined } | { kind: 'gaveUp' };

/**
 * Polls the health URL until it is ready, the time is up, or `giveUp()` says to stop (the process died).
 * Rejects only with a `CancelledError` when the token is cancelled.
 */
export async function waitForHealth(
  url: string,
  opts: { timeoutMs: number; token?: CancelToken; giveUp?: () => boolean; everyMs?: number },
): Promise<HealthWait> {
  const until = Date.now() + opts.timeoutMs;
  let last: HealthAnswer | undefined;
  for (;;) {
    if (opts.token?.isCancellationRequested) throw new CancelledError('Waiting for Django was cancelled');
    if (opts.giveUp?.()) return { kind: 'gaveUp' };
    const left = until - Date.now();
    if (left <= 0) return { kind: 'timedOut', last };
    last = await probeHealth(url, Math.max(200, Math.min(2000, left)));
    if (isReady(last)) return { kind: 'ready' };
    if (opts.giveUp?.()) return { kind: 'gaveUp' };
    await delay(Math.min(opts.everyMs ?? 200, Math.max(0, until - Date.now())), opts.token);
  }
}

export function describeAnswer(answer: HealthAnswer | undefined): string {
  if (!answer) return 'no answer';
  return answer.kind === 'answered' ? `HTTP ${answer.status}` : answer.error;
}
