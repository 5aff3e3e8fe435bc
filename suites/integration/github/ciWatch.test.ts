// The watch on the default branch, re-runs and a run's logs as viewer sources, against the stand-in GitHub
// behind Prism (GitHub's OpenAPI description checks every request and answer).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelSource } from '../../../src/core/cancel';
import { storeRunLogs } from '../../../src/core/ci/ciLogSources';
import { watchBranch, type WatchEvent } from '../../../src/core/github/branchWatch';
import { followRun } from '../../../src/core/github/follower';
import { downloadRunLogs } from '../../../src/core/github/jobLogs';
import { LogStore } from '../../../src/core/logs/logStore';
import { contractSuite } from '../../github/contractSuite';
import { githubJobLog } from '../../github/jobLogShape';
import { FIXTURE_WORKFLOW, fixtureRepo, integrationJob } from '../../github/standIn';
import { REPO_ROOT } from '../pytest/pytestHelpers';

const TOKEN = 'ghp_standInToken1234567890';
const options = fixtureRepo(TOKEN);
const PYTEST = readFileSync(join(REPO_ROOT, 'suites/fixtures/joblogs/verbose-color.log'), 'utf8')
  .replace(/^\ufeff/, '')
  .split('\n')
  .filter((l) => !l.includes('##['))
  .map((l) => l.slice(29));

describe('watch, re-run and CI logs against the stand-in behind Prism (GitHub OpenAPI contract)', function () {
  this.timeout(180_000);
  const gh = contractSuite(options, TOKEN);

  it('polls the default branch with If-None-Match: an unchanged list is a 304 that costs no rate limit; a new failed scheduled run is told once', async () => {
    gh.standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'success' });
    gh.standIn.seedRun({ branch: 'feature', event: 'workflow_dispatch', conclusion: 'failure' });
    const events: WatchEvent[] = [];
    const told = new Set<number>();
    const stop = new CancelSource();
    let polls = 0;
    let failedId = 0;
    const ended = watchBranch({
      client: gh.client(),
      workflow: FIXTURE_WORKFLOW,
      branch: 'main',
      intervalMs: 1000,
      token: stop.token,
      isNew: (r) => !told.has(r.id),
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'newFailure') told.add(e.run.id);
      },
      sleep: async () => {
        polls++;
        // The 3rd poll sees a scheduled run fail; after the 6th the watch is turned off.
        if (polls === 2)
          failedId = gh.standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
        if (polls === 6) stop.cancel();
      },
    });
    assert.deepEqual(await ended, { kind: 'cancelled' });
    const gets = gh.standIn.requests.filter((r) => r.path.endsWith('/runs'));
    assert.equal(gets.length, 6);
    assert.deepEqual(
      gets.map((r) => r.status),
      [200, 304, 200, 304, 304, 304],
    );
    assert.ok(gets.every((r) => r.query.get('branch') === 'main'));
    assert.ok(gets.slice(1).every((r) => String(r.headers['if-none-match']).startsWith('W/"')));
    const failures = events.filter((e) => e.kind === 'newFailure');
    assert.deepEqual(
      failures.map((e) => e.kind === 'newFailure' && e.run.id),
      [failedId],
      'told once, though polled four more times',
    );
    const last = events.filter((e) => e.kind === 'lastResult').at(-1);
    assert.equal(
      last?.kind === 'lastResult' && last.run?.id,
      failedId,
      "the status bar shows master's last result",
    );
    // Four 304s cost nothing: the rate limit went down once per 200 only.
    assert.equal(gh.standIn.rateLimit.remaining, 4999 - 2);
  });

  it("a refused token stops the watch with GitHub's reason (the person is told what to do)", async () => {
    const stop = new CancelSource();
    const ended = await watchBranch({
      client: gh.client('ghp_wrong'),
      workflow: FIXTURE_WORKFLOW,
      branch: 'main',
      intervalMs: 1000,
      token: stop.token,
      isNew: () => true,
      onEvent: () => {},
      sleep: async () => {},
    });
    assert.equal(ended.kind, 'stopped');
    assert.equal(ended.kind === 'stopped' && ended.failure.kind, 'unauthorized');
  });

  it('re-runs failed jobs (201) and the follower follows the new attempt to its end, not the old one', async () => {
    gh.standIn.plan = { conclusion: 'failure', jobs: [integrationJob('failure')] };
    const runId = gh.standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    gh.standIn.plan = { conclusion: 'success', jobs: [integrationJob('success')] };
    const c = gh.client();
    await c.rerun(runId, 'failedJobs');
    const asked = gh.standIn.requests.at(-1)!;
    assert.deepEqual(
      [asked.method, asked.path, asked.status],
      ['POST', `/repos/acme/backend/actions/runs/${runId}/rerun-failed-jobs`, 201],
    );
    let polls = 0;
    const outcome = await followRun({
      client: c,
      runId,
      baseMs: 10,
      maxMs: 10,
      afterAttempt: 1,
      sleep: async () => {
        if (++polls <= 2) gh.standIn.advance(runId);
      },
    });
    assert.equal(outcome.kind, 'completed');
    assert.equal(outcome.kind === 'completed' && outcome.run.conclusion, 'success');
    assert.equal(outcome.kind === 'completed' && outcome.run.run_attempt, 2);
    // The whole run, again: a running run cannot be re-run (GitHub's 403, said).
    await c.rerun(runId, 'all');
    assert.equal(gh.standIn.requests.at(-1)!.path, `/repos/acme/backend/actions/runs/${runId}/rerun`);
    await assert.rejects(c.rerun(runId, 'all'), /already running/);
  });

  it("a run's job log through the log endpoint's 302 becomes one viewer source per step, opening at the failed step's first error", async () => {
    const { log, steps } = githubJobLog([
      {
        name: 'Run actions/checkout@v4',
        conclusion: 'success',
        run: 'actions/checkout@v4',
        output: ['Syncing repository'],
      },
      { name: 'Run integration tests', conclusion: 'failure', run: 'uv run pytest -v', output: PYTEST },
    ]);
    gh.standIn.plan = {
      conclusion: 'failure',
      jobs: [{ name: 'integration', conclusion: 'failure', steps, log }],
    };
    const runId = gh.standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    const got = await downloadRunLogs({ client: gh.client(), runId });
    assert.equal(got.kind, 'logs');
    if (got.kind !== 'logs') return;
    const store = new LogStore();
    const sources = storeRunLogs(store, runId, got.logs);
    assert.deepEqual(
      sources.jobs[0].steps.map((s) => [s.source, s.conclusion]),
      [
        [`ci/${runId}/integration › 1. Run actions/checkout@v4`, 'success'],
        [`ci/${runId}/integration › 2. Run integration tests`, 'failure'],
      ],
    );
    const first = store.query().find((l) => l.seq === sources.reveal?.seq);
    assert.equal(first?.source, `ci/${runId}/integration › 2. Run integration tests`);
    assert.match(first?.text ?? '', /test_deepest .*FAILED/);
    assert.equal(
      first?.time,
      Date.parse(
        /(\S+) svc\/tests\/integration\/test_classes.py::TestOuter::TestInner::TestInnermost/.exec(log)![1],
      ),
    );
    assert.deepEqual(
      gh.standIn.storage.requests.map((r) => r.authorization),
      [undefined],
    );
  });
});
