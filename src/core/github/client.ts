import axios, { type AxiosInstance, isAxiosError } from 'axios';
import type { Logger } from '../logger';
import {
  GitHubApiError,
  type CallContext,
  failureFromResponse,
  networkFailure,
  rateLimitFrom,
  redact,
  redactFailure,
  redactUrl,
} from './errors';
import type { RunArtifact, WorkflowJob, WorkflowRun } from './types';

interface ClientOptions {
  baseUrl: string;
  token: string;
  owner: string;
  repo: string;
  logger?: Logger;
  timeoutMs?: number;
}

export interface RateFacts {
  remaining: number | undefined;
  resetAt: Date | undefined;
  retryAfterMs: number | undefined;
}

export type DispatchResult =
  | { kind: 'run'; runId: number; htmlUrl: string }
  /** Older servers answer 204 without the run: it must be looked up. `serverTime` is GitHub's clock at the dispatch. */
  | { kind: 'accepted'; serverTime: Date | undefined };

/** Where an artifact's zip (or a job's log) is: GitHub answers the download with a redirect to a short-lived, signed URL. */
type ArtifactLocation = { kind: 'at'; url: string } | { kind: 'gone' };

/** A workflow's runs, unless unchanged since `etag` (then 304, which costs no rate limit). */
export type RunsPoll =
  | { kind: 'changed'; runs: WorkflowRun[]; etag: string | undefined; rate: RateFacts }
  | { kind: 'notModified'; etag: string | undefined; rate: RateFacts };

export type RunPoll =
  | { kind: 'changed'; run: WorkflowRun; etag: string | undefined; rate: RateFacts }
  | { kind: 'notModified'; etag: string | undefined; rate: RateFacts };

/** The few GitHub REST calls behind "Trigger CI on Branch". Every failure is a GitHubApiError. */
export class GitHubClient {
  private readonly http: AxiosInstance;
  readonly repoName: string;

  constructor(private readonly options: ClientOptions) {
    this.repoName = `${options.owner}/${options.repo}`;
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 30_000,
      // Every status comes back as a response; the mapping below decides what is an error.
      validateStatus: () => true,
      // Redirects are never followed with the token by axios: `send` follows only same-origin ones.
      maxRedirects: 0,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${options.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'codespace-integration-tests',
      },
    });
  }

  private repoPath(rest: string): string {
    return `/repos/${encodeURIComponent(this.options.owner)}/${encodeURIComponent(this.options.repo)}${rest}`;
  }

  /** `POST .../dispatches` asking for the run's details; a 204 (older servers) means "accepted, look it up". */
  async dispatch(workflow: string, ref: string, inputs: Record<string, string>): Promise<DispatchResult> {
    const path = this.repoPath(`/actions/workflows/${encodeURIComponent(workflow)}/dispatches`);
    const res = await this.send({
      method: 'POST',
      path,
      body: { ref, inputs, return_run_details: true },
      ctx: { workflow },
    });
    if (res.status === 200 && isRecord(res.data) && typeof res.data.workflow_run_id === 'number') {
      return { kind: 'run', runId: res.data.workflow_run_id, htmlUrl: String(res.data.html_url ?? '') };
    }
    const date = res.headers['date'];
    return {
      kind: 'accepted',
      serverTime: date && !Number.isNaN(Date.parse(date)) ? new Date(Date.parse(date)) : undefined,
    };
  }

  /**
   * Recent runs of a workflow, newest first. `createdSince` is applied here rather than as GitHub's
   * `created=>=…` query: GitHub's OpenAPI description types `created` as a plain date-time, so the
   * search syntax GitHub documents for it breaks the contract.
   */
  async listRuns(
    workflow: string,
    query: { branch?: string; event?: string; createdSince?: Date; perPage?: number },
  ): Promise<WorkflowRun[]> {
    const params: Record<string, string> = {
      per_page: String(query.perPage ?? 10),
      exclude_pull_requests: 'true',
    };
    if (query.branch) params.branch = query.branch;
    if (query.event) params.event = query.event;
    const res = await this.send({
      path: this.repoPath(`/actions/workflows/${encodeURIComponent(workflow)}/runs`),
      params,
      ctx: { workflow },
    });
    const runs =
      isRecord(res.data) && Array.isArray(res.data.workflow_runs)
        ? (res.data.workflow_runs as WorkflowRun[])
        : [];
    const since = query.createdSince?.getTime();
    return since === undefined ? runs : runs.filter((r) => Date.parse(r.created_at) >= since);
  }

  /**
   * The newest runs of a workflow on a branch, asked with `If-None-Match` so an unchanged list is a 304 and costs
   * no rate limit (the watch on the default branch polls this).
   */
  async pollRuns(
    workflow: string,
    query: { branch: string; perPage?: number },
    etag?: string,
  ): Promise<RunsPoll> {
    const res = await this.send({
      path: this.repoPath(`/actions/workflows/${encodeURIComponent(workflow)}/runs`),
      params: { per_page: String(query.perPage ?? 10), exclude_pull_requests: 'true', branch: query.branch },
      headers: etag ? { 'If-None-Match': etag } : {},
      alsoOk: [304],
      ctx: { workflow },
    });
    const rate = rateLimitFrom(res.headers);
    const newEtag = res.headers['etag'] ?? etag;
    if (res.status === 304) return { kind: 'notModified', etag: newEtag, rate };
    const runs =
      isRecord(res.data) && Array.isArray(res.data.workflow_runs)
        ? (res.data.workflow_runs as WorkflowRun[])
        : [];
    return { kind: 'changed', runs, etag: newEtag, rate };
  }

  /**
   * Re-runs a completed run: only its failed jobs (and what they need), or all of it. GitHub answers 201 and
   * the same run id runs again as a new attempt.
   */
  async rerun(runId: number, which: 'failedJobs' | 'all'): Promise<void> {
    await this.send({
      method: 'POST',
      path: this.repoPath(`/actions/runs/${runId}/${which === 'failedJobs' ? 'rerun-failed-jobs' : 'rerun'}`),
      body: {},
    });
  }

  /** The run, unless it is unchanged since `etag` (a 304 does not count against the rate limit). */
  async getRun(runId: number, etag?: string): Promise<RunPoll> {
    const res = await this.send({
      path: this.repoPath(`/actions/runs/${runId}`),
      params: { exclude_pull_requests: 'true' },
      headers: etag ? { 'If-None-Match': etag } : {},
      alsoOk: [304],
    });
    const rate = rateLimitFrom(res.headers);
    const newEtag = res.headers['etag'] ?? etag;
    if (res.status === 304) return { kind: 'notModified', etag: newEtag, rate };
    return { kind: 'changed', run: res.data as WorkflowRun, etag: newEtag, rate };
  }

  async listJobs(runId: number): Promise<WorkflowJob[]> {
    const res = await this.send({
      path: this.repoPath(`/actions/runs/${runId}/jobs`),
      params: { per_page: '100' },
    });
    return isRecord(res.data) && Array.isArray(res.data.jobs) ? (res.data.jobs as WorkflowJob[]) : [];
  }

  /** The artifacts of a run (expired ones included: the caller says they expired), at most 100. */
  async listArtifacts(runId: number): Promise<RunArtifact[]> {
    const res = await this.send({
      path: this.repoPath(`/actions/runs/${runId}/artifacts`),
      params: { per_page: '100' },
    });
    return isRecord(res.data) && Array.isArray(res.data.artifacts)
      ? (res.data.artifacts as RunArtifact[])
      : [];
  }

  /**
   * Where to download an artifact's zip. GitHub answers 302 with a signed URL on its storage host: that URL
   * is returned, not followed here, so the token never goes there. 410: the artifact has expired.
   */
  async artifactLocation(artifactId: number): Promise<ArtifactLocation> {
    const res = await this.send({
      path: this.repoPath(`/actions/artifacts/${artifactId}/zip`),
      alsoOk: [302, 410],
      followRedirects: false,
    });
    if (res.status === 410) return { kind: 'gone' };
    const location = res.headers['location'];
    if (res.status !== 302 || !location)
      throw new GitHubApiError({
        kind: 'unexpected',
        status: res.status,
        message: `GitHub answered the download of artifact ${artifactId} with ${res.status} and no location. Try again; if it persists, download it from the run's page.`,
      });
    return { kind: 'at', url: new URL(location, res.url).href };
  }

  /**
   * Where a job's plain-text log is: as for an artifact, GitHub answers 302 with a short-lived URL on its
   * storage host, returned here and not followed, so the token never goes there. 410: the log has expired.
   */
  async jobLogLocation(jobId: number): Promise<ArtifactLocation> {
    const res = await this.send({
      path: this.repoPath(`/actions/jobs/${jobId}/logs`),
      alsoOk: [302, 410],
      followRedirects: false,
    });
    if (res.status === 410) return { kind: 'gone' };
    const location = res.headers['location'];
    if (res.status !== 302 || !location)
      throw new GitHubApiError({
        kind: 'unexpected',
        status: res.status,
        message: `GitHub answered the log of job ${jobId} with ${res.status} and no location. Try again; if it persists, open the job's log on the run's page.`,
      });
    return { kind: 'at', url: new URL(location, res.url).href };
  }

  /** Asks GitHub to cancel a run; 409 (it has already completed) is not a failure: there is nothing to cancel. */
  async cancelRun(runId: number): Promise<'cancelling' | 'alreadyDone'> {
    const res = await this.send({
      method: 'POST',
      path: this.repoPath(`/actions/runs/${runId}/cancel`),
      alsoOk: [409],
    });
    return res.status === 409 ? 'alreadyDone' : 'cancelling';
  }

  async getRepository(): Promise<{ defaultBranch: string; htmlUrl: string }> {
    const res = await this.send({ path: this.repoPath('') });
    const data = isRecord(res.data) ? res.data : {};
    return { defaultBranch: String(data.default_branch ?? 'main'), htmlUrl: String(data.html_url ?? '') };
  }

  private async send(
    req: Request,
  ): Promise<{ status: number; data: unknown; headers: Record<string, string | undefined>; url: string }> {
    const {
      method = 'GET',
      path,
      body,
      params = {},
      ctx = {},
      headers = {},
      alsoOk = [],
      followRedirects = true,
    } = req;
    const { logger, token, baseUrl } = this.options;
    let res = await this.request(method, path, body, params, headers);
    let current = this.http.getUri({ url: path, params });
    // GitHub answers a renamed repository with a redirect on its own API: follow it there, a few times at most.
    for (let hops = 0; followRedirects && REDIRECTS.includes(res.status) && hops < 3; hops++) {
      const next = sameOriginLocation(res.headers as Record<string, unknown>, current);
      if (next.kind === 'elsewhere') {
        const message = redact(
          `GitHub's API at ${baseUrl} redirected ${method} ${path} to another host (${next.origin}). The request was not followed, so the token was not sent there. Check \`codespaceTests.ci.apiBaseUrl\` and the remote URL.`,
          token,
        );
        logger?.warn(message);
        throw new GitHubApiError({ kind: 'unexpected', status: res.status, message });
      }
      if (next.kind === 'none') break;
      logger?.debug(
        redact(`${method} ${redactUrl(path)} -> ${res.status}, following to ${redactUrl(next.path)}`, token),
      );
      const see = res.status === 303;
      res = await this.request(see ? 'GET' : method, next.url, see ? undefined : body, {}, headers);
      current = next.url;
    }
    const resHeaders = lowerHeaders(res.headers as Record<string, unknown>);
    logger?.debug(redact(`${method} ${redactUrl(path)} -> ${res.status}`, token));
    if ((res.status >= 200 && res.status < 300) || alsoOk.includes(res.status))
      return { status: res.status, data: res.data, headers: resHeaders, url: current };
    const full: CallContext = { repo: this.repoName, ...ctx };
    if (res.status === 404 && ctx.workflow) {
      // Tell a missing repository from a missing workflow: ask for the repository itself.
      try {
        const repo = await this.getRepository();
        full.repositoryExists = true;
        full.defaultBranch = repo.defaultBranch;
      } catch (e) {
        if (e instanceof GitHubApiError && e.failure.kind === 'notFound') full.repositoryExists = false;
      }
    }
    const failure = redactFailure(
      failureFromResponse({ status: res.status, headers: resHeaders, body: res.data }, full),
      token,
    );
    logger?.warn(redact(`${method} ${redactUrl(path)} failed: ${failure.message}`, token));
    throw new GitHubApiError(failure);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    params: Record<string, string>,
    headers: Record<string, string>,
  ) {
    const { logger, token, baseUrl } = this.options;
    try {
      return await this.http.request({ method, url: path, data: body, params, headers });
    } catch (e) {
      const code = isAxiosError(e) ? e.code : undefined;
      logger?.warn(
        redact(`${method} ${redactUrl(path)}: no answer (${code ?? (e as Error).message})`, token),
      );
      throw new GitHubApiError(networkFailure(code, baseUrl));
    }
  }
}

const REDIRECTS = [301, 302, 303, 307, 308];

/** Where a redirect points: a path on the same origin as the request, another origin, or nowhere. */
function sameOriginLocation(
  headers: Record<string, unknown>,
  requestUrl: string,
): { kind: 'same'; url: string; path: string } | { kind: 'elsewhere'; origin: string } | { kind: 'none' } {
  const location = headers['location'];
  if (typeof location !== 'string' || !location) return { kind: 'none' };
  let target: URL;
  const from = new URL(requestUrl);
  try {
    target = new URL(location, from);
  } catch {
    return { kind: 'none' };
  }
  if (target.origin !== from.origin || target.username || target.password)
    return { kind: 'elsewhere', origin: target.origin };
  return { kind: 'same', url: target.href, path: `${target.pathname}${target.search}` };
}

interface Request {
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
  params?: Record<string, string>;
  ctx?: CallContext;
  headers?: Record<string, string>;
  /** Statuses besides 2xx that are answers, not failures (304 for conditional requests). */
  alsoOk?: number[];
  /** false: a redirect is the answer (an artifact's download), not followed. */
  followRedirects?: boolean;
}

function lowerHeaders(h: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h ?? {}))
    out[k.toLowerCase()] =
      v === undefined || v === null ? undefined : Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
