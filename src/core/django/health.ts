import axios from 'axios';
import { Agent } from 'node:http';
import { CancelledError, delay, type CancelToken } from '../cancel';

/** One answer of the health URL: the HTTP status and the `Server` header, or why there was none. */
export type HealthAnswer =
  { kind: 'answered'; status: number; server: string | undefined } | { kind: 'noAnswer'; error: string };

/** Asks the health URL once. Any HTTP answer counts (the caller decides what "ready" means); never throws. */
export async function probeHealth(url: string, timeoutMs = 2000): Promise<HealthAnswer> {
  // Our side closes the connection (destroy below), never the server: a connection the server closes
  // first (when it stops) leaves its port in TIME_WAIT for a minute, and a session fixture that checks the
  // port by binding it without SO_REUSEADDR would then fail with "port already in use".
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const response = await axios.get(url, {
      timeout: timeoutMs,
      // Any status is an answer; redirects (an auth login page) are answers too.
      validateStatus: () => true,
      maxRedirects: 0,
      // A corporate HTTP_PROXY must not swallow requests to localhost.
      proxy: false,
      responseType: 'text',
      transitional: { clarifyTimeoutError: true },
      httpAgent: agent,
    });
    const server = response.headers['server'];
    return {
      kind: 'answered',
      status: response.status,
      server: typeof server === 'string' ? server : undefined,
    };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return {
      kind: 'noAnswer',
      error: err.code ? `${err.code}: ${err.message ?? ''}` : String(err.message ?? e),
    };
  } finally {
    agent.destroy();
  }
}

/** Ready means the health URL answers with a status below 500. */
export function isReady(answer: HealthAnswer): boolean {
  return answer.kind === 'answered' && answer.status < 500;
}

export type HealthWait =
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
