/** Why a GitHub call failed, in terms of what the person can do about it. */
export type GitHubFailure =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'missingScope'; message: string; scopes: string[] }
  | { kind: 'sso'; message: string; url: string | undefined }
  | { kind: 'notFound'; message: string; what: 'repository' | 'workflow' | 'run' | 'unknown' }
  | { kind: 'invalid'; message: string; githubMessage: string }
  | { kind: 'rateLimited'; message: string; resetAt: Date | undefined; retryAfterMs: number | undefined }
  | { kind: 'network'; message: string; retryable: true }
  | { kind: 'server'; message: string; status: number; retryable: true }
  | { kind: 'unexpected'; message: string; status: number | undefined };

/** A failed GitHub call. Carries no request config, so the token cannot leak through it. */
export class GitHubApiError extends Error {
  constructor(readonly failure: GitHubFailure) {
    super(failure.message);
    this.name = 'GitHubApiError';
  }
}

/** The parts of an HTTP response the mapping needs; headers are lower-case. */
interface ResponseFacts {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/** What was being attempted, for messages that say which repository and workflow. */
export interface CallContext {
  repo?: string;
  workflow?: string;
  /** For 404 on a dispatch: whether the repository itself answers (checked by the caller). */
  repositoryExists?: boolean;
  defaultBranch?: string;
  /** Scopes the action needs with a classic token, named in a 403 when GitHub does not say. */
  neededScopes?: string[];
}

export function githubMessage(body: unknown): string | undefined {
  if (
    body &&
    typeof body === 'object' &&
    'message' in body &&
    typeof (body as { message: unknown }).message === 'string'
  ) {
    const b = body as { message: string; errors?: unknown };
    const details = Array.isArray(b.errors)
      ? b.errors
          .map((e) =>
            typeof e === 'string'
              ? e
              : e && typeof e === 'object' && 'message' in e
                ? String((e as { message: unknown }).message)
                : '',
          )
          .filter(Boolean)
      : [];
    return details.length ? `${b.message}: ${details.join('; ')}` : b.message;
  }
  return typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : undefined;
}

/** Rate-limit facts from response headers. */
export function rateLimitFrom(
  headers: Record<string, string | undefined>,
  now = Date.now(),
): {
  remaining: number | undefined;
  resetAt: Date | undefined;
  retryAfterMs: number | undefined;
} {
  const remaining =
    headers['x-ratelimit-remaining'] !== undefined ? Number(headers['x-ratelimit-remaining']) : undefined;
  const reset = headers['x-ratelimit-reset'] !== undefined ? Number(headers['x-ratelimit-reset']) : undefined;
  const retryAfter = headers['retry-after'];
  let retryAfterMs: number | undefined;
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) retryAfterMs = Math.max(0, seconds * 1000);
    else if (!Number.isNaN(Date.parse(retryAfter))) retryAfterMs = Math.max(0, Date.parse(retryAfter) - now);
  }
  return {
    remaining: Number.isFinite(remaining) ? remaining : undefined,
    resetAt: reset !== undefined && Number.isFinite(reset) ? new Date(reset * 1000) : undefined,
    retryAfterMs,
  };
}

/** Maps an HTTP error response to a failure with its own message. */
export function failureFromResponse(
  res: ResponseFacts,
  ctx: CallContext = {},
  now = Date.now(),
): GitHubFailure {
  const gh = githubMessage(res.body);
  const where = ctx.repo ? ` for ${ctx.repo}` : '';
  const rate = rateLimitFrom(res.headers, now);
  const limited =
    (res.status === 403 || res.status === 429) &&
    (rate.remaining === 0 || rate.retryAfterMs !== undefined || /rate limit/i.test(gh ?? ''));
  if (limited) {
    const waitMs =
      rate.retryAfterMs ?? (rate.resetAt ? Math.max(0, rate.resetAt.getTime() - now) : undefined);
    const when =
      rate.resetAt && rate.retryAfterMs === undefined
        ? `at ${rate.resetAt.toLocaleTimeString()}`
        : waitMs !== undefined
          ? `in ${describeWait(waitMs)}`
          : 'soon';
    return {
      kind: 'rateLimited',
      message: `GitHub's API rate limit is used up${where}. It resets ${when}; try again then.`,
      resetAt: rate.resetAt,
      retryAfterMs: rate.retryAfterMs,
    };
  }
  switch (res.status) {
    case 401:
      return {
        kind: 'unauthorized',
        message:
          'GitHub did not accept the token (401 Bad credentials). Sign in to GitHub again, or replace the token.',
      };
    case 403: {
      const sso = res.headers['x-github-sso'];
      if (sso) {
        const url = /url=([^\s;,]+)/.exec(sso)?.[1];
        return {
          kind: 'sso',
          url,
          message: `The organization of ${ctx.repo ?? 'this repository'} uses SAML single sign-on and the token is not authorized for it.${url ? ` Authorize it at ${url}, then try again.` : ' Authorize the token for the organization in your GitHub settings, then try again.'}`,
        };
      }
      const accepted = splitScopes(res.headers['x-accepted-oauth-scopes']);
      const granted = splitScopes(res.headers['x-oauth-scopes']);
      const missing = accepted.length
        ? accepted.filter((s) => !granted.includes(s))
        : (ctx.neededScopes ?? []).filter((s) => !granted.includes(s));
      const scopes = missing.length ? missing : (ctx.neededScopes ?? ['repo', 'workflow']);
      return {
        kind: 'missingScope',
        scopes,
        message: `GitHub refused the request${where} (403${gh ? `: ${gh}` : ''}). The token lacks the ${scopes.map((s) => `\`${s}\``).join(' and ')} scope${scopes.length > 1 ? 's' : ''} (fine-grained tokens: "Actions: read and write"). Sign in again granting it, or use a token that has it.`,
      };
    }
    case 404: {
      if (ctx.workflow && ctx.repositoryExists === true) {
        const branch = ctx.defaultBranch ? ` (${ctx.defaultBranch})` : '';
        return {
          kind: 'notFound',
          what: 'workflow',
          message: `The workflow ${ctx.workflow} was not found in ${ctx.repo ?? 'the repository'}. GitHub dispatches only workflows that exist on the default branch${branch}; a workflow that is only on your branch cannot be dispatched. Merge it to the default branch, or check the \`codespaceTests.ci.workflow\` setting.`,
        };
      }
      if (ctx.repositoryExists === false || !ctx.workflow) {
        return {
          kind: 'notFound',
          what: ctx.workflow || ctx.repo ? 'repository' : 'unknown',
          message:
            `The repository ${ctx.repo ?? ''} was not found on GitHub, or the token cannot see it (private repositories answer 404 without access). Check the remote URL and that you signed in with an account that has access.`.replace(
              '  ',
              ' ',
            ),
        };
      }
      return {
        kind: 'notFound',
        what: 'unknown',
        message: `GitHub answered 404 Not Found${where}${gh ? `: ${gh}` : ''}.`,
      };
    }
    case 422:
      return {
        kind: 'invalid',
        githubMessage: gh ?? 'Unprocessable Entity',
        message: `GitHub refused the dispatch${where}: ${gh ?? 'Unprocessable Entity'}. Check that the workflow declares \`workflow_dispatch\`, that the branch exists on GitHub, and the inputs.`,
      };
    default:
      if (res.status >= 500) {
        return {
          kind: 'server',
          status: res.status,
          retryable: true,
          message: `GitHub had a server error (${res.status})${where}. This is usually temporary: retry.`,
        };
      }
      return {
        kind: 'unexpected',
        status: res.status,
        message: `GitHub answered ${res.status}${where}${gh ? `: ${gh}` : ''}.`,
      };
  }
}

/** A request that got no HTTP answer at all. */
export function networkFailure(code: string | undefined, baseUrl: string): GitHubFailure {
  const why =
    code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timed out' : code ? `failed (${code})` : 'failed';
  return {
    kind: 'network',
    retryable: true,
    message: `The connection to ${baseUrl} ${why}. Check the network (and \`codespaceTests.ci.apiBaseUrl\`), then retry.`,
  };
}

/** Removes a secret from any text before it is logged or shown. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}

/**
 * A URL or path as it may be logged: every query value and any user name and password replaced by `***`.
 * A redirect's target is chosen by the server, and signed or token-bearing links carry their secret there.
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/, '//***@').replace(/([?&][^=&#\s]*=)[^&#\s]*/g, '$1***');
}

/** The failure with the secret removed from every text in it (GitHub's own message and links too). */
export function redactFailure(failure: GitHubFailure, secret: string | undefined): GitHubFailure {
  const out: Record<string, unknown> = { ...failure };
  for (const [key, value] of Object.entries(out))
    if (typeof value === 'string') out[key] = redact(value, secret);
  return out as GitHubFailure;
}

function splitScopes(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function describeWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 90) return `${s} s`;
  return `${Math.ceil(s / 60)} min`;
}

/**
 * What a failed poll of GitHub met (`doing` names the poll in the message of an error that is not GitHub's),
 * and whether polling may go on: a network error, a server error and a rate limit pass; the rest do not.
 */
export function pollFailure(e: unknown, doing: string): { failure: GitHubFailure; transient: boolean } {
  const failure: GitHubFailure =
    e instanceof GitHubApiError
      ? e.failure
      : { kind: 'unexpected', status: undefined, message: `${doing} failed: ${(e as Error).message}` };
  const transient = failure.kind === 'network' || failure.kind === 'server' || failure.kind === 'rateLimited';
  return { failure, transient };
}
