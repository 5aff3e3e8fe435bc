import * as assert from 'node:assert/strict';
import type { RunPoll } from '../../../src/core/github/client';
import { GitHubApiError, networkFailure } from '../../../src/core/github/errors';
import { followRun, PollPacer, type FollowUpdate } from '../../../src/core/github/follower';
import type { WorkflowJob, WorkflowRun } from '../../../src/core/github/types';
import { CancelSource } from '../../../src/core/cancel';

function run(status: string, conclusion: string | null = null, updated = status): WorkflowRun {
  return {
    id: 7,
    display_title: 'Integration Tests',
    run_number: 1,
    head_branch: 'feature',
    head_sha: 'abc',
    event: 'workflow_dispatch',
    status,
    conclusion,
    html_url: 'https://github.com/acme/backend/actions/runs/7',
    created_at: '2026-01-01T10:00:00Z',
    updated_at: updated,
  };
}

/** A client that answers from a script, and a clock that moves only when the follower sleeps. */
function scripted(answers: (RunPoll | Error)[], jobs: WorkflowJob[] = []) {
  const seenEtags: (string | undefined)[] = [];
  const sleeps: number[] = [];
  let clock = Date.parse('2026-01-01T10:00:00Z');
  const client = {
    async getRun(_id: number, etag?: string): Promise<RunPoll> {
      seenEtags.push(etag);
      const a = answers.shift();
      if (!a) throw new Error('script ran out');
      if (a instanceof Error) throw a;
      return a;
    },
    async listJobs(): Promise<WorkflowJob[]> {
      return jobs;
    },
  };
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock += ms;
  };
  return { client, seenEtags, sleeps, sleep, now: () => clock };
}

const noRate = { remaining: undefined, resetAt: undefined, retryAfterMs: undefined };

describe('github run follower', () => {
  it('backs off while nothing changes and returns to the base interval after a change', () => {
    const p = new PollPacer({ baseMs: 1000, maxMs: 5000, factor: 2 });
    assert.deepEqual(
      ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'changed', 'unchanged'].map((o) =>
        p.next(o as 'changed' | 'unchanged'),
      ),
      [2000, 4000, 5000, 5000, 1000, 2000],
    );
  });

  it('never polls sooner than Retry-After, and waits for the reset when the limit is used up', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    const p = new PollPacer({ baseMs: 1000, maxMs: 5000 });
    assert.equal(p.next('changed', { retryAfterMs: 42_000 }, now), 42_000);
    assert.equal(p.next('changed', { remaining: 0, resetAt: new Date(now + 120_000) }, now), 121_000);
    // Few requests left: spread them until the reset (here 10 left over ~10 minutes).
    assert.equal(p.next('changed', { remaining: 10, resetAt: new Date(now + 600_000) }, now), 60_100);
    assert.equal(p.next('changed', { remaining: 4000, resetAt: new Date(now + 600_000) }, now), 1000);
    const limited = {
      kind: 'rateLimited' as const,
      message: 'x',
      resetAt: new Date(now + 300_000),
      retryAfterMs: undefined,
    };
    assert.equal(p.next(limited, {}, now), 301_000);
  });

  it('follows queued -> in_progress -> completed, sending the ETag and backing off on 304', async () => {
    const s = scripted([
      { kind: 'changed', run: run('queued'), etag: 'W/"1"', rate: noRate },
      { kind: 'notModified', etag: 'W/"1"', rate: noRate },
      { kind: 'notModified', etag: 'W/"1"', rate: noRate },
      { kind: 'changed', run: run('in_progress'), etag: 'W/"2"', rate: noRate },
      { kind: 'changed', run: run('completed', 'success'), etag: 'W/"3"', rate: noRate },
    ]);
    const updates: FollowUpdate[] = [];
    const out = await followRun({
      client: s.client,
      runId: 7,
      baseMs: 1000,
      maxMs: 8000,
      factor: 2,
      sleep: s.sleep,
      now: s.now,
      onUpdate: (u) => updates.push(u),
    });
    assert.equal(out.kind, 'completed');
    assert.deepEqual(s.seenEtags, [undefined, 'W/"1"', 'W/"1"', 'W/"1"', 'W/"2"']);
    assert.deepEqual(s.sleeps, [1000, 2000, 4000, 1000]);
    assert.deepEqual(
      updates.map((u) => (u.kind === 'run' ? u.run.status : u.kind)),
      ['queued', 'in_progress', 'completed'],
    );
  });

  it('on failure names the failed jobs and steps', async () => {
    const jobs: WorkflowJob[] = [
      { id: 1, name: 'lint', status: 'completed', conclusion: 'success', html_url: null, steps: [] },
      {
        id: 2,
        name: 'integration',
        status: 'completed',
        conclusion: 'failure',
        html_url: null,
        steps: [
          { name: 'Set up job', number: 1, status: 'completed', conclusion: 'success' },
          { name: 'Run integration tests', number: 2, status: 'completed', conclusion: 'failure' },
        ],
      },
    ];
    const s = scripted(
      [{ kind: 'changed', run: run('completed', 'failure'), etag: undefined, rate: noRate }],
      jobs,
    );
    const out = await followRun({
      client: s.client,
      runId: 7,
      baseMs: 1000,
      maxMs: 8000,
      sleep: s.sleep,
      now: s.now,
    });
    assert.deepEqual(out.kind === 'completed' && out.failedJobs, ['integration (Run integration tests)']);
  });

  it('rides out network trouble and rate limits, honouring their waits; gives up after repeated failures', async () => {
    const limited = new GitHubApiError({
      kind: 'rateLimited',
      message: 'limited',
      resetAt: undefined,
      retryAfterMs: 30_000,
    });
    const s = scripted([
      new GitHubApiError(networkFailure('ECONNRESET', 'x')),
      limited,
      { kind: 'changed', run: run('completed', 'success'), etag: undefined, rate: noRate },
    ]);
    const updates: FollowUpdate[] = [];
    const out = await followRun({
      client: s.client,
      runId: 7,
      baseMs: 1000,
      maxMs: 8000,
      sleep: s.sleep,
      now: s.now,
      onUpdate: (u) => updates.push(u),
    });
    assert.equal(out.kind, 'completed');
    assert.deepEqual(s.sleeps, [2000, 30_000]);
    assert.deepEqual(
      updates.slice(0, 2).map((u) => u.kind === 'waiting' && u.reason),
      ['GitHub not answering', 'rate limited'],
    );

    const t = scripted(
      [1, 2, 3].map(
        () =>
          new GitHubApiError({
            kind: 'server',
            status: 502,
            retryable: true,
            message: 'GitHub had a server error (502).',
          }),
      ),
    );
    const gaveUp = await followRun({
      client: t.client,
      runId: 7,
      baseMs: 1000,
      maxMs: 8000,
      sleep: t.sleep,
      now: t.now,
      maxConsecutiveErrors: 3,
    });
    assert.equal(gaveUp.kind, 'failed');
    assert.equal(gaveUp.kind === 'failed' && gaveUp.failure.kind, 'server');
  });

  it('stops at once on 401 and when cancelled', async () => {
    const s = scripted([new GitHubApiError({ kind: 'unauthorized', message: 'Sign in to GitHub again' })]);
    const out = await followRun({
      client: s.client,
      runId: 7,
      baseMs: 1000,
      maxMs: 8000,
      sleep: s.sleep,
      now: s.now,
    });
    assert.equal(out.kind === 'failed' && out.failure.kind, 'unauthorized');
    assert.deepEqual(s.sleeps, []);

    const cancel = new CancelSource();
    const c = scripted([{ kind: 'changed', run: run('queued'), etag: undefined, rate: noRate }]);
    const sleep = async (ms: number) => {
      await c.sleep(ms);
      cancel.cancel();
    };
    const stopped = await followRun({
      client: c.client,
      runId: 7,
      baseMs: 1000,
      maxMs: 8000,
      sleep,
      now: c.now,
      token: cancel.token,
    });
    assert.equal(stopped.kind, 'cancelled');
    assert.equal(stopped.kind === 'cancelled' && stopped.lastRun?.status, 'queued');
  });
});
