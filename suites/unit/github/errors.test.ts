import * as assert from 'node:assert/strict';
import { failureFromResponse, networkFailure, rateLimitFrom, redact } from '../../../src/core/github/errors';

const ctx = { repo: 'acme/backend', workflow: 'integration-tests.yml' };

describe('github error mapping', () => {
  it('401: sign in again', () => {
    const f = failureFromResponse({ status: 401, headers: {}, body: { message: 'Bad credentials' } }, ctx);
    assert.equal(f.kind, 'unauthorized');
    assert.match(f.message, /Sign in to GitHub again/);
  });

  it('403: names the missing scope from the token headers, or the scopes the action needs', () => {
    const f = failureFromResponse(
      {
        status: 403,
        headers: { 'x-oauth-scopes': 'repo, read:org', 'x-accepted-oauth-scopes': 'repo, workflow' },
        body: { message: 'Resource not accessible' },
      },
      ctx,
    );
    assert.equal(f.kind, 'missingScope');
    if (f.kind === 'missingScope') assert.deepEqual(f.scopes, ['workflow']);
    assert.match(f.message, /lacks the `workflow` scope/);
    const g = failureFromResponse(
      { status: 403, headers: {}, body: { message: 'Resource not accessible by integration' } },
      ctx,
    );
    assert.match(g.message, /`repo` and `workflow` scopes/);
    assert.match(g.message, /Resource not accessible by integration/);
  });

  it('403 with x-github-sso: SSO, with the authorization link', () => {
    const f = failureFromResponse(
      {
        status: 403,
        headers: {
          'x-github-sso': 'required; url=https://github.com/orgs/acme/sso?authorization_request=abc',
        },
        body: {},
      },
      ctx,
    );
    assert.equal(f.kind, 'sso');
    if (f.kind === 'sso') assert.equal(f.url, 'https://github.com/orgs/acme/sso?authorization_request=abc');
    assert.match(f.message, /single sign-on.*Authorize it at https:\/\/github.com\/orgs\/acme\/sso/);
  });

  it('403/429 with the limit used up: rate limited, with the reset time', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    const reset = now / 1000 + 600;
    const f = failureFromResponse(
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        body: { message: 'API rate limit exceeded' },
      },
      ctx,
      now,
    );
    assert.equal(f.kind, 'rateLimited');
    if (f.kind === 'rateLimited') assert.equal(f.resetAt?.getTime(), reset * 1000);
    assert.match(f.message, /rate limit is used up for acme\/backend\. It resets at /);
    const g = failureFromResponse(
      { status: 429, headers: { 'retry-after': '30' }, body: { message: 'secondary rate limit' } },
      ctx,
      now,
    );
    assert.equal(g.kind, 'rateLimited');
    if (g.kind === 'rateLimited') assert.equal(g.retryAfterMs, 30_000);
    assert.match(g.message, /resets in 30 s/);
  });

  it('404: tells a missing repository from a missing workflow (only on a branch cannot be dispatched)', () => {
    const wf = failureFromResponse(
      { status: 404, headers: {}, body: { message: 'Not Found' } },
      { ...ctx, repositoryExists: true, defaultBranch: 'main' },
    );
    assert.equal(wf.kind, 'notFound');
    if (wf.kind === 'notFound') assert.equal(wf.what, 'workflow');
    assert.match(
      wf.message,
      /workflow integration-tests.yml was not found in acme\/backend.*default branch \(main\).*only on your branch cannot be dispatched/,
    );
    const repo = failureFromResponse(
      { status: 404, headers: {}, body: { message: 'Not Found' } },
      { ...ctx, repositoryExists: false },
    );
    if (repo.kind === 'notFound') assert.equal(repo.what, 'repository');
    assert.match(
      repo.message,
      /The repository acme\/backend was not found on GitHub, or the token cannot see it/,
    );
  });

  it("422: GitHub's own message", () => {
    const f = failureFromResponse(
      { status: 422, headers: {}, body: { message: "Workflow does not have 'workflow_dispatch' trigger" } },
      ctx,
    );
    assert.equal(f.kind, 'invalid');
    if (f.kind === 'invalid')
      assert.equal(f.githubMessage, "Workflow does not have 'workflow_dispatch' trigger");
    const g = failureFromResponse(
      {
        status: 422,
        headers: {},
        body: { message: 'Invalid request', errors: [{ message: 'No ref found for: nope' }] },
      },
      ctx,
    );
    assert.match(g.message, /Invalid request: No ref found for: nope/);
  });

  it('5xx and no answer: retry offered', () => {
    const f = failureFromResponse({ status: 502, headers: {}, body: 'Bad Gateway' }, ctx);
    assert.equal(f.kind, 'server');
    assert.match(f.message, /server error \(502\).*retry/);
    const n = networkFailure('ECONNREFUSED', 'https://api.github.com');
    assert.equal(n.kind, 'network');
    assert.match(n.message, /connection to https:\/\/api.github.com failed \(ECONNREFUSED\).*retry/);
    assert.match(networkFailure('ECONNABORTED', 'x').message, /timed out/);
  });

  it('reads rate-limit headers, Retry-After in seconds or as a date', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    assert.deepEqual(
      rateLimitFrom({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': '1767261600' }, now),
      {
        remaining: 12,
        resetAt: new Date(1767261600 * 1000),
        retryAfterMs: undefined,
      },
    );
    assert.equal(rateLimitFrom({ 'retry-after': 'Thu, 01 Jan 2026 10:00:20 GMT' }, now).retryAfterMs, 20_000);
  });

  it('redacts a token from any text', () => {
    assert.equal(
      redact('Authorization: Bearer ghp_abc123 failed ghp_abc123', 'ghp_abc123'),
      'Authorization: Bearer *** failed ***',
    );
    assert.equal(redact('nothing', undefined), 'nothing');
  });
});
