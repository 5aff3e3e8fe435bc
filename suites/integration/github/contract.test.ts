// The GitHub client, dispatch and follower against the stand-in GitHub behind Prism, which checks
// every request and response against GitHub's OpenAPI description. Prism starts once for this file.
import * as assert from 'node:assert/strict';
import { GitHubClient } from '../../../src/core/github/client';
import { dispatchWorkflow } from '../../../src/core/github/dispatch';
import { GitHubApiError, type GitHubFailure } from '../../../src/core/github/errors';
import type { Logger } from '../../../src/core/logger';
import { followRun, type FollowUpdate } from '../../../src/core/github/follower';
import { ContractGitHub } from '../../github/contract';
import { FIXTURE_WORKFLOW, fixtureRepo, integrationJob, type GitHubStandIn } from '../../github/standIn';
import { pidAlive } from '../support';

const TOKEN = 'ghp_standInToken1234567890';
const WF = FIXTURE_WORKFLOW;
const options = fixtureRepo(TOKEN);

describe('github client against the stand-in behind Prism (GitHub OpenAPI contract)', function () {
  this.timeout(180_000);
  let github: ContractGitHub;
  let standIn: GitHubStandIn;
  const client = (token = TOKEN, repo = 'backend') =>
    new GitHubClient({ baseUrl: github.url, token, owner: 'acme', repo });
  const fast = { sleep: async () => {}, lookupIntervalMs: 10 };

  before(async () => {
    github = await ContractGitHub.start(options);
  });
  after(async () => {
    const pid = github?.pid();
    await github?.stop();
    if (pid) assert.equal(pidAlive(pid), false, 'Prism is still running');
  });
  beforeEach(async () => {
    standIn = await github.reset(options);
  });
  afterEach(() => {
    assert.deepEqual(github.takeViolations(), [], 'Prism reported contract violations');
  });

  async function failure(p: Promise<unknown>): Promise<GitHubFailure> {
    try {
      await p;
    } catch (e) {
      if (e instanceof GitHubApiError) return e.failure;
      throw e;
    }
    assert.fail('expected a GitHub failure');
  }

  it('dispatches with return_run_details (200 + run id) and follows the run to success with ETags', async () => {
    const c = client();
    const run = await dispatchWorkflow({
      client: c,
      workflow: WF,
      branch: 'feature',
      inputs: { environment: 'staging', verbose: 'true' },
    });
    assert.equal(run.foundBy, 'details');
    assert.equal(run.htmlUrl, `https://github.com/acme/backend/actions/runs/${run.runId}`);
    const dispatch = standIn.requests.find((r) => r.path.endsWith('/dispatches'))!;
    assert.deepEqual(dispatch.body, {
      ref: 'feature',
      inputs: { environment: 'staging', verbose: 'true' },
      return_run_details: true,
    });
    assert.equal(dispatch.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(dispatch.headers['x-github-api-version'], '2022-11-28');

    const updates: FollowUpdate[] = [];
    let polls = 0;
    const sleep = async () => {
      // The stand-in's clock: a step every third poll, so some polls see 304.
      if (++polls % 3 === 0) standIn.advance(run.runId);
    };
    const out = await followRun({
      client: c,
      runId: run.runId,
      baseMs: 1,
      maxMs: 5,
      sleep,
      onUpdate: (u) => updates.push(u),
    });
    assert.equal(out.kind, 'completed');
    assert.equal(out.kind === 'completed' && out.run.conclusion, 'success');
    assert.deepEqual(out.kind === 'completed' && out.failedJobs, []);
    assert.deepEqual(
      updates.map((u) => u.kind === 'run' && u.run.status),
      ['queued', 'in_progress', 'completed'],
    );
    const gets = standIn.requests.filter((r) => r.path.endsWith(`/runs/${run.runId}`));
    assert.ok(gets.filter((r) => r.status === 304).length >= 2, 'some polls were answered 304');
    assert.ok(
      gets.slice(1).every((r) => String(r.headers['if-none-match']).startsWith('W/"')),
      'every poll after the first sent If-None-Match',
    );
  });

  it('older servers (204): finds the run by listing the branch`s workflow_dispatch runs since the dispatch', async () => {
    standIn.returnRunDetails = false;
    standIn.seedRun({
      branch: 'feature',
      event: 'workflow_dispatch',
      conclusion: 'success',
      createdAt: new Date(Date.now() - 3600_000),
    });
    standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    const run = await dispatchWorkflow({
      client: client(),
      workflow: WF,
      branch: 'feature',
      inputs: {},
      ...fast,
    });
    assert.equal(run.foundBy, 'lookup');
    assert.equal(run.runId, standIn.latestRunId());
    const list = standIn.requests.find((r) => r.path.endsWith('/runs') && r.method === 'GET')!;
    assert.equal(list.query.get('branch'), 'feature');
    assert.equal(list.query.get('event'), 'workflow_dispatch');
  });

  it('a failed run names its failed jobs and steps', async () => {
    standIn.plan = { conclusion: 'failure', jobs: [integrationJob('failure')] };
    const c = client();
    const run = await dispatchWorkflow({ client: c, workflow: WF, branch: 'feature', inputs: {} });
    standIn.advance(run.runId);
    standIn.advance(run.runId);
    const out = await followRun({ client: c, runId: run.runId, baseMs: 1, maxMs: 5, sleep: async () => {} });
    assert.equal(out.kind === 'completed' && out.run.conclusion, 'failure');
    assert.deepEqual(out.kind === 'completed' && out.failedJobs, ['integration (Run integration tests)']);
  });

  it('lists recent runs of the branch and of the default branch', async () => {
    standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'success' });
    standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    standIn.seedRun({ branch: 'feature', event: 'workflow_dispatch', conclusion: null });
    const c = client();
    const main = await c.listRuns(WF, { branch: 'main', perPage: 10 });
    assert.deepEqual(
      main.map((r) => r.conclusion),
      ['failure', 'success'],
    );
    const feature = await c.listRuns(WF, { branch: 'feature' });
    assert.deepEqual(
      feature.map((r) => r.status),
      ['queued'],
    );
    assert.equal((await c.getRepository()).defaultBranch, 'main');
  });

  it('the contract check itself: a response that breaks GitHub`s schema is caught', async () => {
    standIn.cue({ route: 'run', status: 200, body: { id: 1, status: 'queued' } });
    const f = await failure(client().getRun(1));
    // Prism (--errors) replaces the broken answer with a 500 and names the violations.
    assert.equal(f.kind, 'server');
    const caught = github.takeViolations();
    assert.ok(
      caught.some((v) => /must have required property 'head_branch'/.test(v.message)),
      JSON.stringify(caught),
    );
  });

  it('401 with a bad token; the token appears in no message', async () => {
    const f = await failure(client('ghp_wrongToken999').dispatch(WF, 'feature', {}));
    assert.equal(f.kind, 'unauthorized');
    assert.ok(!f.message.includes('ghp_wrongToken999'));
  });

  it('404, 422 and 500 answers that repeat the token: it is in no failure field and no log line at any level', async () => {
    const lines: string[] = [];
    const logger = Object.fromEntries(
      (['trace', 'debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (m: unknown, ...a: unknown[]) => lines.push(`${level} ${String(m)} ${a.map(String).join(' ')}`),
      ]),
    ) as unknown as Logger;
    const c = new GitHubClient({ baseUrl: github.url, token: TOKEN, owner: 'acme', repo: 'backend', logger });
    standIn.cue({ route: 'dispatch', status: 500, body: { message: 'Server Error' } });
    const failures = [
      await failure(c.dispatch(WF, 'feature', { nope: 'x' })),
      await failure(c.dispatch(WF, 'feature', { nope: 'x' })),
      await failure(c.getRun(123)),
      await failure(c.listRuns('missing.yml', {})),
    ];
    assert.deepEqual(
      failures.map((f) => f.kind),
      ['server', 'invalid', 'notFound', 'notFound'],
    );
    // The stand-in did repeat the token, in the body and a header, so the check below can fail.
    assert.deepEqual(
      [...new Set(standIn.requests.filter((r) => r.echoedToken).map((r) => r.status))].sort(),
      [404, 422, 500],
    );
    assert.ok(lines.length > 4, 'the client logged');
    const leaks = [...failures.map((f) => JSON.stringify(f)), ...lines].filter((t) => t.includes(TOKEN));
    assert.deepEqual(leaks, [], 'the token appears in no failure and no log line');
    assert.match(
      failures[1].kind === 'invalid' ? failures[1].githubMessage : '',
      /Authorization: Bearer \*\*\*/,
    );
  });

  it('403: missing scope named from the headers, and SSO', async () => {
    standIn.cue({
      route: 'dispatch',
      status: 403,
      headers: { 'x-oauth-scopes': 'read:org', 'x-accepted-oauth-scopes': 'repo' },
      body: {
        message: 'Must have admin rights to Repository.',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const f = await failure(client().dispatch(WF, 'feature', {}));
    assert.equal(f.kind === 'missingScope' && f.scopes.join(), 'repo');
    standIn.cue({
      route: 'dispatch',
      status: 403,
      headers: { 'x-github-sso': 'required; url=https://github.com/orgs/acme/sso?authorization_request=XYZ' },
      body: { message: 'Resource protected by organization SAML enforcement.' },
    });
    const g = await failure(client().dispatch(WF, 'feature', {}));
    assert.equal(g.kind === 'sso' && g.url, 'https://github.com/orgs/acme/sso?authorization_request=XYZ');
  });

  it('404: says whether the workflow or the repository is missing (checking the repository)', async () => {
    const wf = await failure(client().dispatch('only-on-branch.yml', 'feature', {}));
    assert.equal(wf.kind === 'notFound' && wf.what, 'workflow');
    assert.match(wf.message, /only-on-branch\.yml was not found in acme\/backend.*default branch \(main\)/);
    const repo = await failure(client(TOKEN, 'missing').dispatch(WF, 'feature', {}));
    assert.equal(repo.kind === 'notFound' && repo.what, 'repository');
    assert.ok(
      standIn.requests.some((r) => r.path === '/repos/acme/missing' && r.status === 404),
      'the repository endpoint was checked',
    );
  });

  it("422: GitHub's own message (unexpected inputs)", async () => {
    const f = await failure(client().dispatch(WF, 'feature', { nope: 'x' }));
    assert.equal(f.kind, 'invalid');
    // The stand-in repeats the token it got; the client removed it.
    assert.equal(
      f.kind === 'invalid' && f.githubMessage,
      'Unexpected inputs provided: ["nope"] (request had Authorization: Bearer ***)',
    );
  });

  it('5xx and rate limits: retryable failures; the follower waits them out', async () => {
    standIn.cue({ route: 'dispatch', status: 503, body: { message: 'Service Unavailable' } });
    assert.equal((await failure(client().dispatch(WF, 'feature', {}))).kind, 'server');
    const reset = Math.floor(Date.now() / 1000) + 120;
    standIn.cue({
      route: 'dispatch',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for user ID 1.' },
    });
    const limited = await failure(client().dispatch(WF, 'feature', {}));
    assert.equal(limited.kind === 'rateLimited' && limited.resetAt?.getTime(), reset * 1000);

    const c = client();
    const run = await dispatchWorkflow({ client: c, workflow: WF, branch: 'feature', inputs: {} });
    standIn.advance(run.runId);
    standIn.advance(run.runId);
    standIn.cue({ route: 'run', status: 502, body: { message: 'Bad Gateway' } });
    standIn.cue({
      route: 'run',
      status: 429,
      headers: { 'retry-after': '7' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const sleeps: number[] = [];
    const out = await followRun({
      client: c,
      runId: run.runId,
      baseMs: 1000,
      maxMs: 4000,
      sleep: async (ms) => void sleeps.push(ms),
    });
    assert.equal(out.kind, 'completed');
    assert.deepEqual(sleeps, [2000, 7000]);
  });
});
