// A stateful stand-in for the GitHub REST API, just the calls "Trigger CI on Branch" makes.
// A dispatch creates a run that moves queued -> in_progress -> completed when the test says so
// (`advance`), so tests control the clock. Failures are cued one request at a time.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { example } from './openapi';
import {
  API,
  HTML,
  integrationJob,
  iso,
  jobJson,
  notFound,
  publicRun,
  runJson,
  type PlannedJob,
} from './runJson';

export { integrationJob, type PlannedJob } from './runJson';

export type Route =
  | 'dispatch'
  | 'runs'
  | 'run'
  | 'jobs'
  | 'jobLog'
  | 'repo'
  | 'artifacts'
  | 'download'
  | 'cancel'
  | 'rerun'
  | 'rerunFailed';

export interface Cue {
  route: Route;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests get this answer (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  status: number;
  /** The answer repeated the Authorization header it received (404, 422 and 5xx do, to test redaction). */
  echoedToken?: boolean;
}

/** An artifact a run uploaded: its zip is served by the storage stand-in, another origin. */
export interface StoredArtifact {
  id: number;
  name: string;
  zip: Uint8Array;
  expired?: boolean;
  /** The size GitHub states (default: the zip's), to test the size limit without a big zip. */
  statedSize?: number;
}

interface RunRecord {
  json: Record<string, unknown>;
  jobs: PlannedJob[];
  artifacts: StoredArtifact[];
  /** Bumped on every change: the ETag follows it. */
  version: number;
}

export interface StandInOptions {
  owner: string;
  repo: string;
  defaultBranch?: string;
  /** Workflow file names that exist on the default branch. */
  workflows?: string[];
  /** Input names each workflow declares (others are refused with 422 as GitHub does). */
  inputs?: Record<string, string[]>;
  /**
   * Workflow files read at each dispatch, as GitHub reads the default branch's file: their
   * `workflow_dispatch.inputs` are the declared ones (a required input left out is refused too).
   */
  workflowFiles?: Record<string, string>;
  /** Tokens GitHub accepts; anything else is 401. */
  tokens?: string[];
  /** false: behave like an older server that answers a dispatch with 204 and no run. */
  returnRunDetails?: boolean;
  /** The first run's id (default 9000001): GitHub's ids are unique, so a test that remembers runs sets its own. */
  firstRunId?: number;
}

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly runs = new Map<number, RunRecord>();
  returnRunDetails: boolean;
  /** What the next dispatched run will conclude with, and its jobs. */
  plan: { conclusion: 'success' | 'failure'; jobs: PlannedJob[]; artifacts?: Omit<StoredArtifact, 'id'>[] } =
    {
      conclusion: 'success',
      jobs: [integrationJob('success')],
    };
  /** Where artifact zips are downloaded from (GitHub's storage), on its own origin; it checks no token comes. */
  readonly storage = new ArtifactStorage();
  rateLimit = { limit: 5000, remaining: 4999, resetAt: Math.floor(Date.now() / 1000) + 3600 };
  private readonly cues: Cue[] = [];
  private nextRunId: number;
  private nextArtifactId = 701;
  private server: Server | undefined;
  url = '';

  constructor(readonly options: StandInOptions) {
    this.returnRunDetails = options.returnRunDetails ?? true;
    this.nextRunId = options.firstRunId ?? 9000001;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    await this.storage.listen();
    return this.url;
  }

  async close(): Promise<void> {
    await this.storage.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  cue(cue: Cue): void {
    this.cues.push({ times: 1, ...cue });
  }

  /** Moves a run (default: the newest dispatched) one step: queued -> in_progress -> completed. */
  advance(runId = this.latestRunId()): Record<string, unknown> {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    const now = iso(new Date());
    const j = run.json;
    if (j.status === 'queued')
      Object.assign(j, { status: 'in_progress', run_started_at: now, updated_at: now });
    else if (j.status === 'in_progress')
      Object.assign(j, { status: 'completed', conclusion: j.planned_conclusion, updated_at: now });
    else throw new Error(`run ${runId} has already completed`);
    run.version++;
    return j;
  }

  /** Adds an artifact to a run (default: the newest), as `actions/upload-artifact` would. */
  addArtifact(artifact: Omit<StoredArtifact, 'id'>, runId = this.latestRunId()): StoredArtifact {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    const stored = { ...artifact, id: this.nextArtifactId++ };
    run.artifacts.push(stored);
    return stored;
  }

  /**
   * A re-run as GitHub does it: the same run id, a new attempt, queued again, concluding with the plan's
   * conclusion. Re-running failed jobs runs the plan's job of each failed job's name; the rest keep theirs.
   */
  private rerunRun(run: RunRecord, which: 'failedJobs' | 'all'): void {
    const now = iso(new Date());
    Object.assign(run.json, {
      status: 'queued',
      conclusion: null,
      run_attempt: Number(run.json.run_attempt ?? 1) + 1,
      planned_conclusion: this.plan.conclusion,
      updated_at: now,
    });
    const planned = (name: string) => this.plan.jobs.find((j) => j.name === name);
    run.jobs =
      which === 'all'
        ? structuredClone(this.plan.jobs)
        : run.jobs.map((j) =>
            j.conclusion === 'failure'
              ? structuredClone(planned(j.name) ?? { ...j, conclusion: 'success' })
              : j,
          );
    // The new attempt uploads its own artifacts.
    run.artifacts = (this.plan.artifacts ?? []).map((a) => ({ ...a, id: this.nextArtifactId++ }));
    run.version++;
  }

  /** Gives a run's first job (default: the newest run's) its log and step times, as GitHub has once it ran. */
  setJobLog(job: Pick<PlannedJob, 'log' | 'steps'>, runId = this.latestRunId()): void {
    const run = this.runs.get(runId);
    if (!run?.jobs[0]) throw new Error(`no job in run ${runId}`);
    Object.assign(run.jobs[0], { log: job.log, steps: job.steps });
  }

  latestRunId(): number {
    const ids = [...this.runs.keys()];
    if (!ids.length) throw new Error('no run yet');
    return Math.max(...ids);
  }

  /** Adds a run as if GitHub had started it (scheduled runs of the default branch). */
  seedRun(opts: {
    branch: string;
    event: string;
    conclusion: 'success' | 'failure' | null;
    workflow?: string;
    createdAt?: Date;
  }): number {
    const run = this.createRun(
      opts.workflow ?? this.options.workflows?.[0] ?? 'integration-tests.yml',
      opts.branch,
      opts.event,
      opts.createdAt,
    );
    if (opts.conclusion) {
      Object.assign(run.json, {
        status: 'completed',
        conclusion: opts.conclusion,
        run_started_at: run.json.created_at,
        updated_at: iso(new Date(Date.parse(String(run.json.created_at)) + 95_000)),
      });
    }
    return run.json.id as number;
  }

  private createRun(workflow: string, branch: string, event: string, createdAt = new Date()): RunRecord {
    const { owner, repo } = this.options;
    const id = this.nextRunId++;
    const json = runJson({ owner, repo, id, workflow, branch, event, createdAt });
    // Kept out of the answers (stripped in `publicRun`): what the run will conclude with.
    json.planned_conclusion = this.plan.conclusion;
    const record: RunRecord = { json, jobs: structuredClone(this.plan.jobs), artifacts: [], version: 1 };
    this.runs.set(id, record);
    for (const a of this.plan.artifacts ?? []) record.artifacts.push({ ...a, id: this.nextArtifactId++ });
    return record;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      status: 0,
    };
    this.requests.push(record);
    const answer = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const h: Record<string, string> = { ...this.rateHeaders(status), ...headers };
      const received = req.headers.authorization;
      if (received && ECHOING.test(String(status))) {
        // A careless server repeats the credentials it got: the extension must not show them.
        record.echoedToken = true;
        h['x-received-authorization'] = received;
        if (isRecord(json) && typeof json.message === 'string')
          json = { ...json, message: `${json.message} (request had Authorization: ${received})` };
      }
      if (json !== undefined) h['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(status, h);
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const { owner, repo } = this.options;
    const prefix = `/repos/${owner}/${repo}`;
    const p = url.pathname;
    const route: Route | undefined = /^\/repos\/[^/]+\/[^/]+$/.test(p)
      ? 'repo'
      : /\/actions\/runs\/\d+\/artifacts$/.test(p)
        ? 'artifacts'
        : /\/actions\/artifacts\/\d+\/zip$/.test(p)
          ? 'download'
          : /\/actions\/jobs\/\d+\/logs$/.test(p)
            ? 'jobLog'
            : /\/actions\/runs\/\d+\/cancel$/.test(p)
              ? 'cancel'
              : /\/actions\/runs\/\d+\/rerun$/.test(p)
                ? 'rerun'
                : /\/actions\/runs\/\d+\/rerun-failed-jobs$/.test(p)
                  ? 'rerunFailed'
                  : /\/actions\/workflows\/[^/]+\/dispatches$/.test(p)
                    ? 'dispatch'
                    : /\/actions\/workflows\/[^/]+\/runs$/.test(p)
                      ? 'runs'
                      : /\/actions\/runs\/\d+\/jobs$/.test(p)
                        ? 'jobs'
                        : /\/actions\/runs\/\d+$/.test(p)
                          ? 'run'
                          : undefined;
    const cue = this.cues.find((c) => c.route === route);
    if (cue) {
      if (--cue.times! <= 0) this.cues.splice(this.cues.indexOf(cue), 1);
      return answer(cue.status, cue.body, cue.headers);
    }
    const auth = req.headers.authorization ?? '';
    const tokens = this.options.tokens ?? [];
    if (tokens.length && !tokens.some((t) => auth === `Bearer ${t}` || auth === `token ${t}`)) {
      return answer(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    }
    if (!route || (!p.startsWith(prefix + '/') && p !== prefix)) return answer(404, notFound());
    const workflow = decodeURIComponent(/\/actions\/workflows\/([^/]+)\//.exec(p)?.[1] ?? '');
    if (workflow && !(this.options.workflows ?? ['integration-tests.yml']).includes(workflow))
      return answer(404, notFound());
    switch (route) {
      case 'repo': {
        const r = example('full-repository');
        // GitHub's own `full-repository` example lacks the required `has_discussions`.
        Object.assign(r, {
          has_discussions: false,
          name: repo,
          full_name: `${owner}/${repo}`,
          default_branch: this.options.defaultBranch ?? 'main',
          html_url: `${HTML}/${owner}/${repo}`,
        });
        return answer(200, r);
      }
      case 'dispatch': {
        const b = (body ?? {}) as {
          ref?: string;
          inputs?: Record<string, unknown>;
          return_run_details?: boolean;
        };
        const file = this.options.workflowFiles?.[workflow];
        const fromFile = file ? dispatchInputsOf(readFileSync(file, 'utf8')) : undefined;
        const declared = fromFile ? Object.keys(fromFile) : this.options.inputs?.[workflow];
        const unexpected = declared ? Object.keys(b.inputs ?? {}).filter((k) => !declared.includes(k)) : [];
        const missing = Object.entries(fromFile ?? {})
          .filter(([k, v]) => v.required === true && v.default === undefined && !(k in (b.inputs ?? {})))
          .map(([k]) => k);
        if (unexpected.length || missing.length)
          return answer(422, {
            message: unexpected.length
              ? `Unexpected inputs provided: ${JSON.stringify(unexpected)}`
              : `Required input '${missing[0]}' not provided`,
            documentation_url: 'https://docs.github.com/rest',
            status: '422',
          });
        const run = this.createRun(
          workflow,
          String(b.ref).replace(/^refs\/heads\//, ''),
          'workflow_dispatch',
        );
        const id = run.json.id as number;
        if (this.returnRunDetails && b.return_run_details) {
          return answer(200, {
            workflow_run_id: id,
            run_url: `${API}${prefix}/actions/runs/${id}`,
            html_url: `${HTML}/${owner}/${repo}/actions/runs/${id}`,
          });
        }
        return answer(204);
      }
      case 'runs': {
        let runs = [...this.runs.values()]
          .map((r) => r.json)
          .filter((r) => r.path === `.github/workflows/${workflow}`);
        const branch = url.searchParams.get('branch');
        const event = url.searchParams.get('event');
        const created = /^>=(.+)$/.exec(url.searchParams.get('created') ?? '')?.[1];
        if (branch) runs = runs.filter((r) => r.head_branch === branch);
        if (event) runs = runs.filter((r) => r.event === event);
        if (created) runs = runs.filter((r) => Date.parse(String(r.created_at)) >= Date.parse(created));
        runs.sort((a, b) => (b.id as number) - (a.id as number));
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = { total_count: runs.length, workflow_runs: runs.slice(0, perPage).map(publicRun) };
        // As GitHub: an ETag on the list, and 304 (free of rate limit) when it is unchanged.
        const etag = `W/"${createHash('sha1').update(JSON.stringify(page)).digest('hex')}"`;
        if (req.headers['if-none-match'] === etag) return answer(304, undefined, { etag });
        return answer(200, page, { etag });
      }
      case 'run': {
        const run = this.runs.get(Number(/\/runs\/(\d+)$/.exec(p)![1]));
        if (!run) return answer(404, notFound());
        const etag = `W/"${createHash('sha1').update(`${run.json.id}:${run.version}`).digest('hex')}"`;
        if (req.headers['if-none-match'] === etag) return answer(304, undefined, { etag });
        return answer(200, publicRun(run.json), { etag });
      }
      case 'artifacts': {
        const run = this.runs.get(Number(/\/runs\/(\d+)\/artifacts$/.exec(p)![1]));
        if (!run) return answer(404, notFound());
        return answer(200, {
          total_count: run.artifacts.length,
          artifacts: run.artifacts.map((a) => artifactJson(run.json, a, prefix)),
        });
      }
      case 'download': {
        const id = Number(/\/artifacts\/(\d+)\/zip$/.exec(p)![1]);
        const artifact = [...this.runs.values()].flatMap((r) => r.artifacts).find((a) => a.id === id);
        if (!artifact) return answer(404, notFound());
        if (artifact.expired)
          return answer(410, {
            message: 'Artifact has expired',
            documentation_url: 'https://docs.github.com/rest',
            status: '410',
          });
        return answer(302, undefined, { location: this.storage.signedUrl(artifact) });
      }
      case 'jobLog': {
        const id = Number(/\/jobs\/(\d+)\/logs$/.exec(p)![1]);
        const run = this.runs.get(Math.floor(id / 10));
        const job = run?.jobs[id % 10];
        if (!run || !job) return answer(404, notFound());
        return answer(302, undefined, {
          location: this.storage.signedFile(`/logs/${id}/job.txt`, Buffer.from(job.log ?? ''), 'text/plain'),
        });
      }
      case 'cancel': {
        const run = this.runs.get(Number(/\/runs\/(\d+)\/cancel$/.exec(p)![1]));
        if (!run) return answer(404, notFound());
        if (run.json.status === 'completed')
          return answer(409, {
            message: 'Cannot cancel a workflow run that is completed.',
            documentation_url: 'https://docs.github.com/rest',
            status: '409',
          });
        const now = iso(new Date());
        Object.assign(run.json, { status: 'completed', conclusion: 'cancelled', updated_at: now });
        run.version++;
        return answer(202, {});
      }
      case 'rerun':
      case 'rerunFailed': {
        const run = this.runs.get(Number(/\/runs\/(\d+)\/rerun/.exec(p)![1]));
        if (!run) return answer(404, notFound());
        if (run.json.status !== 'completed')
          return answer(403, {
            message: 'This workflow is already running',
            documentation_url: 'https://docs.github.com/rest',
            status: '403',
          });
        this.rerunRun(run, route === 'rerunFailed' ? 'failedJobs' : 'all');
        return answer(201, {});
      }
      case 'jobs': {
        const run = this.runs.get(Number(/\/runs\/(\d+)\/jobs$/.exec(p)![1]));
        if (!run) return answer(404, notFound());
        return answer(200, {
          total_count: run.jobs.length,
          jobs: run.jobs.map((j, i) => jobJson(run.json, j, i)),
        });
      }
    }
  }

  private rateHeaders(status: number): Record<string, string> {
    // Conditional requests answered 304 do not count against the limit, as on GitHub.
    if (status !== 304 && this.rateLimit.remaining > 0) this.rateLimit.remaining--;
    return {
      'x-ratelimit-limit': String(this.rateLimit.limit),
      'x-ratelimit-remaining': String(this.rateLimit.remaining),
      'x-ratelimit-reset': String(this.rateLimit.resetAt),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
    };
  }
}

function artifactJson(
  run: Record<string, unknown>,
  a: StoredArtifact,
  prefix: string,
): Record<string, unknown> {
  const created = String(run.created_at);
  return {
    id: a.id,
    node_id: Buffer.from(`Artifact${a.id}`).toString('base64'),
    name: a.name,
    size_in_bytes: a.statedSize ?? a.zip.byteLength,
    url: `${API}${prefix}/actions/artifacts/${a.id}`,
    archive_download_url: `${API}${prefix}/actions/artifacts/${a.id}/zip`,
    expired: a.expired ?? false,
    created_at: created,
    expires_at: iso(new Date(Date.parse(created) + 90 * 86_400_000)),
    updated_at: created,
    workflow_run: {
      id: run.id,
      repository_id: 1296269,
      head_repository_id: 1296269,
      head_branch: run.head_branch,
      head_sha: run.head_sha,
    },
  };
}

/**
 * GitHub's artifact storage: serves a zip at a signed URL on its own origin, as GitHub's redirect target.
 * Requests are kept so tests can check no Authorization header reached it.
 */
export class ArtifactStorage {
  readonly requests: { path: string; authorization: string | undefined }[] = [];
  private readonly files = new Map<string, { bytes: Uint8Array; type: string }>();
  private server: Server | undefined;
  url = '';

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push({ path: req.url ?? '/', authorization: req.headers.authorization });
      const file = this.files.get(new URL(req.url ?? '/', 'http://storage').pathname);
      req.resume();
      if (!file || !/[?&]sig=/.test(req.url ?? '')) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        return res.end('<Error><Code>AuthenticationFailed</Code></Error>');
      }
      res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.bytes.byteLength) });
      res.end(Buffer.from(file.bytes));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  signedUrl(a: StoredArtifact): string {
    return this.signedFile(`/artifacts/${a.id}/${encodeURIComponent(a.name)}.zip`, a.zip, 'application/zip');
  }

  /** Any file at a signed URL: an artifact's zip, a job's plain-text log. */
  signedFile(path: string, bytes: Uint8Array, type: string): string {
    this.files.set(path, { bytes, type });
    return `${this.url}${path}?sig=${createHash('sha1').update(path).digest('hex')}&se=2099-01-01`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Statuses whose answers repeat the token received. */
const ECHOING = /^(404|422|5\d\d)$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A workflow file's `on.workflow_dispatch.inputs` (none when it takes no dispatch inputs). */
function dispatchInputsOf(text: string): Record<string, { required?: boolean; default?: unknown }> {
  const wf = parseYaml(text) as { on?: { workflow_dispatch?: { inputs?: Record<string, object> } | null } };
  return (wf.on?.workflow_dispatch?.inputs ?? {}) as Record<
    string,
    { required?: boolean; default?: unknown }
  >;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
  });
}

/** The fixture codespace's repository as GitHub knows it: acme/backend with its integration workflow. */
export const FIXTURE_WORKFLOW = 'integration-tests.yml';
export function fixtureRepo(token: string): StandInOptions {
  return {
    owner: 'acme',
    repo: 'backend',
    defaultBranch: 'main',
    workflows: [FIXTURE_WORKFLOW],
    inputs: { [FIXTURE_WORKFLOW]: ['test_path', 'environment', 'verbose', 'max_failures'] },
    tokens: [token],
  };
}
