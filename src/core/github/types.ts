/** The parts of GitHub's `workflow-run` schema the extension reads (see @octokit/openapi). */
export interface WorkflowRun {
  id: number;
  name?: string | null;
  display_title: string;
  run_number: number;
  /** 1, then one more for each re-run of the same run id. */
  run_attempt?: number;
  head_branch: string | null;
  head_sha: string;
  event: string;
  /** queued, in_progress, completed, waiting, requested, pending. */
  status: string | null;
  /** success, failure, cancelled, skipped, timed_out, action_required, neutral, stale, or null while running. */
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
  run_started_at?: string;
}

export interface JobStep {
  name: string;
  number: number;
  status: string;
  conclusion: string | null;
  /** To the second; GitHub's job log names no step, so its lines are given to steps by these. */
  started_at?: string | null;
  completed_at?: string | null;
}

/** The parts of GitHub's `job` schema the extension reads. */
export interface WorkflowJob {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url: string | null;
  steps?: JobStep[];
}

/** The parts of GitHub's `artifact` schema the extension reads. */
export interface RunArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  expires_at: string | null;
}

/** A run's phase, as the status bar and the CI Runs view show it. */
type RunPhase = 'queued' | 'in_progress' | 'completed';

export function runPhase(run: Pick<WorkflowRun, 'status'>): RunPhase {
  if (run.status === 'completed') return 'completed';
  if (run.status === 'in_progress') return 'in_progress';
  return 'queued';
}

/** A completed run's conclusion in words: "passed", "failed", "was cancelled", "timed out". */
export function describeConclusion(conclusion: string | null): string {
  switch (conclusion) {
    case 'success':
      return 'passed';
    case 'failure':
    case 'startup_failure':
      return 'failed';
    case 'cancelled':
      return 'was cancelled';
    case 'timed_out':
      return 'timed out';
    case null:
      return 'ended without a conclusion';
    default:
      return `ended (${conclusion.replace('_', ' ')})`;
  }
}

/** What failed in a run: the failed jobs and, inside each, the failed steps. */
export function describeFailedJobs(jobs: WorkflowJob[]): string[] {
  const bad = (c: string | null) =>
    c === 'failure' || c === 'timed_out' || c === 'cancelled' || c === 'startup_failure';
  return jobs
    .filter((j) => bad(j.conclusion))
    .map((j) => {
      const steps = (j.steps ?? []).filter((s) => bad(s.conclusion)).map((s) => s.name);
      return steps.length ? `${j.name} (${steps.join(', ')})` : j.name;
    });
}

/** How long a run took (or has been running), as "3m 12s". */
export function runDuration(run: WorkflowRun, now = Date.now()): string | undefined {
  const start = Date.parse(run.run_started_at ?? run.created_at);
  if (Number.isNaN(start)) return undefined;
  const end = run.status === 'completed' ? Date.parse(run.updated_at) : now;
  if (Number.isNaN(end) || end < start) return undefined;
  const s = Math.round((end - start) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${sec}s` : `${sec}s`;
}
