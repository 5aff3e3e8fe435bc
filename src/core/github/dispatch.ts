import { Backoff } from '../backoff';
import { delay, type CancelToken } from '../cancel';
import type { Logger } from '../logger';
import type { DispatchResult } from './client';
import { GitHubApiError } from './errors';
import type { WorkflowRun } from './types';

interface WorkflowDispatchOptions {
  client: {
    dispatch(workflow: string, ref: string, inputs: Record<string, string>): Promise<DispatchResult>;
    listRuns(
      workflow: string,
      query: { branch?: string; event?: string; createdSince?: Date; perPage?: number },
    ): Promise<WorkflowRun[]>;
  };
  /** The workflow file name (`integration-tests.yml`). */
  workflow: string;
  branch: string;
  inputs: Record<string, string>;
  token?: CancelToken;
  logger?: Logger;
  /** How long to look for the run an older server did not name. */
  lookupTimeoutMs?: number;
  lookupIntervalMs?: number;
  sleep?: (ms: number, token?: CancelToken) => Promise<void>;
  now?: () => number;
}

export interface DispatchedRun {
  runId: number;
  htmlUrl: string | undefined;
  /** `details`: GitHub named the run in its answer; `lookup`: found by listing the workflow's runs. */
  foundBy: 'details' | 'lookup';
}

/**
 * Dispatches the workflow on a branch and returns the run it started. Newer GitHub answers 200 with
 * the run; older servers answer 204, and the run is the newest `workflow_dispatch` run of that
 * branch created since the dispatch (by GitHub's clock, from the answer's Date header).
 */
export async function dispatchWorkflow(opts: WorkflowDispatchOptions): Promise<DispatchedRun> {
  const sleep = opts.sleep ?? delay;
  const now = opts.now ?? Date.now;
  const localStart = now();
  const result = await opts.client.dispatch(opts.workflow, opts.branch, opts.inputs);
  if (result.kind === 'run')
    return { runId: result.runId, htmlUrl: result.htmlUrl || undefined, foundBy: 'details' };
  // The Date header has whole seconds; without it, allow for a local clock that runs ahead.
  const since = result.serverTime
    ? new Date(result.serverTime.getTime() - 1000)
    : new Date(localStart - 15_000);
  opts.logger?.info(
    `GitHub accepted the dispatch without naming the run; looking for runs of ${opts.branch} created since ${since.toISOString()}`,
  );
  const until = now() + (opts.lookupTimeoutMs ?? 60_000);
  const backoff = new Backoff(opts.lookupIntervalMs ?? 1500, 10_000, 1.5);
  for (;;) {
    const runs = await opts.client.listRuns(opts.workflow, {
      branch: opts.branch,
      event: 'workflow_dispatch',
      createdSince: since,
      perPage: 10,
    });
    const mine = runs
      .filter(
        (r) =>
          r.event === 'workflow_dispatch' &&
          r.head_branch === opts.branch &&
          Date.parse(r.created_at) >= since.getTime(),
      )
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)[0];
    if (mine) return { runId: mine.id, htmlUrl: mine.html_url, foundBy: 'lookup' };
    const wait = backoff.next();
    if (now() + wait > until) {
      throw new GitHubApiError({
        kind: 'unexpected',
        status: undefined,
        message: `GitHub accepted the dispatch of ${opts.workflow} on ${opts.branch}, but its run did not appear within ${Math.round((opts.lookupTimeoutMs ?? 60_000) / 1000)} s. Look at the repository's Actions page; the run may still start.`,
      });
    }
    await sleep(wait, opts.token);
  }
}
