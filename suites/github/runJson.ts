// GitHub's JSON for runs and jobs, built on the examples of GitHub's own OpenAPI description.
import { createHash } from 'node:crypto';
import { example } from './openapi';

export const HTML = 'https://github.com';
export const API = 'https://api.github.com';

export interface PlannedJob {
  name: string;
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped';
  steps: {
    name: string;
    conclusion: 'success' | 'failure' | 'skipped';
    /** When the step ran (GitHub gives the second); default: the run's start and end. */
    startedAt?: string;
    completedAt?: string;
  }[];
  /** The job's plain-text log, served by the storage stand-in behind the log endpoint's 302. */
  log?: string;
}

export function runJson(o: {
  owner: string;
  repo: string;
  id: number;
  workflow: string;
  branch: string;
  event: string;
  createdAt: Date;
}): Record<string, unknown> {
  const { owner, repo, id, workflow, branch, event } = o;
  const json = example('workflow-run');
  const created = iso(o.createdAt);
  Object.assign(json, {
    id,
    name: 'Integration Tests',
    display_title: 'Integration Tests',
    head_branch: branch,
    head_sha: createHash('sha1').update(`${branch}${id}`).digest('hex'),
    path: `.github/workflows/${workflow}`,
    run_number: id - 9000000,
    run_attempt: 1,
    event,
    status: 'queued',
    conclusion: null,
    workflow_id: 161335,
    url: `${API}/repos/${owner}/${repo}/actions/runs/${id}`,
    html_url: `${HTML}/${owner}/${repo}/actions/runs/${id}`,
    jobs_url: `${API}/repos/${owner}/${repo}/actions/runs/${id}/jobs`,
    created_at: created,
    updated_at: created,
    run_started_at: created,
  });
  return json;
}

export function integrationJob(conclusion: 'success' | 'failure'): PlannedJob {
  return {
    name: 'integration',
    conclusion,
    steps: [
      { name: 'Set up job', conclusion: 'success' },
      { name: 'Run actions/checkout@v4', conclusion: 'success' },
      { name: 'Run integration tests', conclusion },
    ],
  };
}

export function jobJson(
  run: Record<string, unknown>,
  job: PlannedJob,
  index: number,
): Record<string, unknown> {
  const j = example('job');
  const done = run.status === 'completed';
  Object.assign(j, {
    id: (run.id as number) * 10 + index,
    run_id: run.id,
    run_url: run.url,
    head_sha: run.head_sha,
    head_branch: run.head_branch,
    workflow_name: run.name,
    // GitHub's own `job` example lacks this required field.
    created_at: run.created_at,
    name: job.name,
    html_url: `${String(run.html_url)}/job/${(run.id as number) * 10 + index}`,
    status: done ? 'completed' : run.status,
    conclusion: done ? job.conclusion : null,
    steps: job.steps.map((s, n) => ({
      name: s.name,
      status: done ? 'completed' : 'queued',
      conclusion: done ? s.conclusion : null,
      number: n + 1,
      started_at: s.startedAt ?? run.run_started_at,
      completed_at: done ? (s.completedAt ?? run.updated_at) : null,
    })),
  });
  return j;
}

export function publicRun(json: Record<string, unknown>): Record<string, unknown> {
  const { planned_conclusion: _hidden, ...rest } = json;
  return rest;
}

export function notFound(): unknown {
  return { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };
}

export function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
