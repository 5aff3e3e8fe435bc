import { Backoff } from '../backoff';
import { CancelledError, delay, type CancelToken } from '../cancel';
import type { Logger } from '../logger';
import type { RateFacts, RunPoll } from './client';
import { describeWait, pollFailure, type GitHubFailure } from './errors';
import { describeFailedJobs, type WorkflowJob, type WorkflowRun } from './types';

interface PacerOptions {
  /** First interval, and the interval after each change. */
  baseMs: number;
  /** The longest interval backing off reaches (a rate-limit wait may be longer). */
  maxMs: number;
  factor?: number;
}

/** Below this many requests left, polls are spread over what remains until the reset. */
const LOW_REMAINING = 50;

/**
 * Decides how long to wait before the next poll: back to the base interval after a change,
 * backing off while nothing changes or requests fail, never sooner than `Retry-After`, and
 * spreading the remaining rate limit until it resets.
 */
export class PollPacer {
  private readonly backoff: Backoff;

  constructor(private readonly opts: PacerOptions) {
    this.backoff = new Backoff(opts.baseMs, opts.maxMs, opts.factor ?? 1.5);
    this.backoff.next(); // polling starts at the base interval; the first unchanged poll backs off from there
  }

  next(
    outcome: 'changed' | 'unchanged' | GitHubFailure,
    rate: Partial<RateFacts> = {},
    now = Date.now(),
  ): number {
    const failure = typeof outcome === 'object' ? outcome : undefined;
    if (outcome === 'changed') this.backoff.reset();
    let wait = this.backoff.next(failure ? 2 : undefined);
    const retryAfterMs =
      rate.retryAfterMs ?? (failure?.kind === 'rateLimited' ? failure.retryAfterMs : undefined);
    const resetAt = rate.resetAt ?? (failure?.kind === 'rateLimited' ? failure.resetAt : undefined);
    if (retryAfterMs !== undefined) wait = Math.max(wait, retryAfterMs);
    const untilReset = resetAt ? Math.max(0, resetAt.getTime() - now) + 1000 : undefined;
    if (failure?.kind === 'rateLimited' && retryAfterMs === undefined)
      wait = Math.max(wait, untilReset ?? this.opts.maxMs);
    else if (rate.remaining !== undefined && untilReset !== undefined) {
      if (rate.remaining <= 0) wait = Math.max(wait, untilReset);
      else if (rate.remaining < LOW_REMAINING) wait = Math.max(wait, Math.ceil(untilReset / rate.remaining));
    }
    return Math.round(wait);
  }
}

export type FollowUpdate =
  | { kind: 'run'; run: WorkflowRun }
  /** Polling paused: rate limited, or GitHub/network trouble being retried. */
  | { kind: 'waiting'; reason: string; waitMs: number };

export type FollowOutcome =
  | { kind: 'completed'; run: WorkflowRun; failedJobs: string[] }
  | { kind: 'failed'; failure: GitHubFailure; lastRun: WorkflowRun | undefined }
  | { kind: 'cancelled'; lastRun: WorkflowRun | undefined };

interface FollowOptions extends PacerOptions {
  client: {
    getRun(runId: number, etag?: string): Promise<RunPoll>;
    listJobs(runId: number): Promise<WorkflowJob[]>;
  };
  runId: number;
  onUpdate?: (update: FollowUpdate) => void;
  token?: CancelToken;
  logger?: Logger;
  /** Injected by tests to run the clock fast. */
  sleep?: (ms: number, token?: CancelToken) => Promise<void>;
  now?: () => number;
  /** Consecutive network/5xx failures before giving up (the person is then offered a retry). */
  maxConsecutiveErrors?: number;
  /**
   * A re-run: the run's attempt before it. Until GitHub shows a later attempt, the old attempt's "completed"
   * is not the end (the re-run may not have been queued yet).
   */
  afterAttempt?: number;
  /** Gives up following after this long (GitHub stops a job after 6 h, a run after 35 days of waiting). */
  maxDurationMs?: number;
}

/** Polls one run until it completes; on failure names the failed jobs and steps. Never throws. */
export async function followRun(opts: FollowOptions): Promise<FollowOutcome> {
  const sleep = opts.sleep ?? delay;
  const now = opts.now ?? Date.now;
  const pacer = new PollPacer(opts);
  const maxErrors = opts.maxConsecutiveErrors ?? 5;
  const deadline = now() + (opts.maxDurationMs ?? 7 * 3600_000);
  let etag: string | undefined;
  let last: WorkflowRun | undefined;
  let errors = 0;
  for (;;) {
    if (opts.token?.isCancellationRequested) return { kind: 'cancelled', lastRun: last };
    let wait: number;
    try {
      const poll = await opts.client.getRun(opts.runId, etag);
      errors = 0;
      etag = poll.etag;
      const stale =
        poll.kind === 'changed' &&
        opts.afterAttempt !== undefined &&
        (poll.run.run_attempt ?? 1) <= opts.afterAttempt;
      const changed =
        poll.kind === 'changed' &&
        !stale &&
        (!last ||
          last.status !== poll.run.status ||
          last.updated_at !== poll.run.updated_at ||
          last.conclusion !== poll.run.conclusion);
      if (poll.kind === 'changed' && !stale) {
        last = poll.run;
        if (changed) opts.onUpdate?.({ kind: 'run', run: poll.run });
        if (poll.run.status === 'completed')
          return { kind: 'completed', run: poll.run, failedJobs: await failedJobs(opts, poll.run) };
      }
      wait = pacer.next(changed ? 'changed' : 'unchanged', poll.rate, now());
    } catch (e) {
      const { failure, transient } = pollFailure(e, 'Following the run');
      if (!transient || (failure.kind !== 'rateLimited' && ++errors >= maxErrors))
        return { kind: 'failed', failure, lastRun: last };
      wait = pacer.next(failure, {}, now());
      opts.logger?.info(`Run ${opts.runId}: ${failure.message} Polling again in ${describeWait(wait)}.`);
      opts.onUpdate?.({
        kind: 'waiting',
        reason: failure.kind === 'rateLimited' ? 'rate limited' : 'GitHub not answering',
        waitMs: wait,
      });
    }
    if (now() + wait > deadline) {
      const message = `Stopped following run ${opts.runId}: it has not completed within ${describeWait(opts.maxDurationMs ?? 7 * 3600_000)}. Open it on GitHub to see where it is.`;
      return { kind: 'failed', lastRun: last, failure: { kind: 'unexpected', status: undefined, message } };
    }
    try {
      await sleep(wait, opts.token);
    } catch (e) {
      if (e instanceof CancelledError) return { kind: 'cancelled', lastRun: last };
      throw e;
    }
  }
}

async function failedJobs(opts: FollowOptions, run: WorkflowRun): Promise<string[]> {
  if (run.conclusion === 'success' || run.conclusion === 'skipped' || run.conclusion === 'neutral') return [];
  try {
    return describeFailedJobs(await opts.client.listJobs(run.id));
  } catch (e) {
    opts.logger?.warn(`Could not list the jobs of run ${run.id}: ${(e as Error).message}`);
    return [];
  }
}
