import type { CancelToken } from '../cancel';
import type { Logger } from '../logger';
import { mb } from './artifactZip';
import type { GitHubClient } from './client';
import { downloadSigned } from './signedDownload';
import type { JobStep, WorkflowJob } from './types';

/** One job's plain-text log; `source` is the job's name, as the run's page shows it. */
export interface JobLogText {
  source: string;
  jobId: number;
  text: string;
  conclusion: string | null;
  /** The job's steps with their times: the log viewer splits the log by them. */
  steps: JobStep[];
}

/** The logs of a run's finished jobs, or why there are none; every message says what to do next. */
type RunLogs = { kind: 'logs'; logs: JobLogText[] } | { kind: 'noLogs'; message: string };

/** The most one job's log may weigh: a 5,000-test -v run with tracebacks is about 50 MB. */
const JOB_LOG_LIMITS = { maxLogBytes: 128 * 1024 * 1024 };

/**
 * Downloads the log of every job of `runId` that ran (skipped and unfinished jobs have none). Each comes from
 * the signed URL GitHub redirects to, without the token. A job whose log cannot be had is left out and said.
 */
export async function downloadRunLogs(opts: {
  client: GitHubClient;
  runId: number;
  logger?: Logger;
  token?: CancelToken;
  limits?: Partial<typeof JOB_LOG_LIMITS>;
}): Promise<RunLogs & { skipped: string[] }> {
  const { client, runId, logger } = opts;
  const limits = { ...JOB_LOG_LIMITS, ...opts.limits };
  const jobs = (await client.listJobs(runId)).filter(ran);
  const logs: JobLogText[] = [];
  const skipped: string[] = [];
  for (const job of jobs) {
    if (opts.token?.isCancellationRequested) break;
    const where = await client.jobLogLocation(job.id);
    if (where.kind === 'gone') {
      skipped.push(`The log of job "${job.name}" has expired.`);
      continue;
    }
    logger?.debug(`downloading the log of job ${job.name} from ${new URL(where.url).origin}`);
    const got = await downloadSigned(where.url, limits.maxLogBytes);
    if (got.kind === 'bytes')
      logs.push({
        source: job.name,
        jobId: job.id,
        text: new TextDecoder('utf-8').decode(got.bytes),
        conclusion: job.conclusion,
        steps: job.steps ?? [],
      });
    else skipped.push(why(job.name, got, limits.maxLogBytes));
  }
  if (!logs.length)
    return {
      kind: 'noLogs',
      message: jobs.length
        ? `No log of run ${runId} could be read. ${skipped.join(' ')} Open the run's page.`
        : `Run ${runId} has no job that ran, so there is no log to read results from.`,
      skipped,
    };
  return { kind: 'logs', logs, skipped };
}

function ran(job: WorkflowJob): boolean {
  return job.status === 'completed' && job.conclusion !== 'skipped';
}

function why(
  name: string,
  got: Exclude<Awaited<ReturnType<typeof downloadSigned>>, { kind: 'bytes' }>,
  max: number,
) {
  if (got.kind === 'notHttps')
    return `GitHub sent the log of job "${name}" to ${got.origin}, which is not https; it was not downloaded.`;
  if (got.kind === 'tooLarge')
    return `The log of job "${name}" is more than the ${mb(max)} the extension reads.`;
  return `The download of the log of job "${name}" failed (${got.why}); try again.`;
}
