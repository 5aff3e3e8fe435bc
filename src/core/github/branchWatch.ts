import { CancelledError, delay, type CancelToken } from '../cancel';
import type { Logger } from '../logger';
import type { RunsPoll } from './client';
import { describeWait, pollFailure, type GitHubFailure } from './errors';
import { PollPacer } from './follower';
import type { WorkflowRun } from './types';

export type WatchEvent =
  /** The branch's newest completed run (undefined: none yet), after each answer that changed the list. */
  | { kind: 'lastResult'; run: WorkflowRun | undefined }
  /** The newest scheduled run failed, and `isNew` said no one was told of it yet. */
  | { kind: 'newFailure'; run: WorkflowRun }
  /** GitHub did not answer, or the rate limit is spent: polling resumes on its own. */
  | { kind: 'waiting'; reason: string; waitMs: number };

export type WatchEnd = { kind: 'cancelled' } | { kind: 'stopped'; failure: GitHubFailure };

interface WatchOptions {
  client: { pollRuns(workflow: string, q: { branch: string }, etag?: string): Promise<RunsPoll> };
  workflow: string;
  branch: string;
  intervalMs: number;
  onEvent: (e: WatchEvent) => void;
  /** Whether this failed run was not yet told (the caller remembers across windows). */
  isNew: (run: WorkflowRun) => boolean;
  token: CancelToken;
  logger?: Logger;
  /** Injected by tests to run the clock fast. */
  sleep?: (ms: number, token?: CancelToken) => Promise<void>;
}

/**
 * Watches a workflow's runs on a branch (the default branch: its scheduled runs) until cancelled. Every poll
 * is conditional (`If-None-Match`): an unchanged list is a 304, which costs no rate limit, so the interval can
 * stay short. Network and server trouble backs off; a refusal (token, repository) stops the watch. Never throws.
 */
export async function watchBranch(opts: WatchOptions): Promise<WatchEnd> {
  const sleep = opts.sleep ?? delay;
  const pacer = new PollPacer({ baseMs: opts.intervalMs, maxMs: Math.max(opts.intervalMs, 10 * 60_000) });
  let etag: string | undefined;
  for (;;) {
    if (opts.token.isCancellationRequested) return { kind: 'cancelled' };
    let wait: number;
    try {
      const poll = await opts.client.pollRuns(opts.workflow, { branch: opts.branch }, etag);
      etag = poll.etag;
      if (poll.kind === 'changed') report(opts, poll.runs);
      // A 304 is free: the interval stays the person's, it does not back off.
      wait = pacer.next('changed', poll.rate);
    } catch (e) {
      const { failure, transient } = pollFailure(e, `Watching ${opts.branch}`);
      if (!transient) return { kind: 'stopped', failure };
      wait = pacer.next(failure);
      opts.logger?.info(
        `Watching ${opts.branch}: ${failure.message} Polling again in ${describeWait(wait)}.`,
      );
      opts.onEvent({
        kind: 'waiting',
        reason: failure.kind === 'rateLimited' ? 'rate limited' : 'GitHub not answering',
        waitMs: wait,
      });
    }
    try {
      await sleep(wait, opts.token);
    } catch (e) {
      if (e instanceof CancelledError) return { kind: 'cancelled' };
      throw e;
    }
  }
}

function report(opts: WatchOptions, runs: readonly WorkflowRun[]): void {
  const newest = [...runs].sort((a, b) => b.id - a.id);
  opts.onEvent({ kind: 'lastResult', run: newest.find((r) => r.status === 'completed') });
  const scheduled = newest.find((r) => r.event === 'schedule');
  if (scheduled?.status === 'completed' && scheduled.conclusion === 'failure' && opts.isNew(scheduled))
    opts.onEvent({ kind: 'newFailure', run: scheduled });
}
