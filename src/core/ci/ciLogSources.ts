import type { JobLogText } from '../github/jobLogs';
import type { LogStore } from '../logs/logStore';
import { splitJobLog } from './jobSteps';

/** One step of a job as a source of the log viewer. */
interface StepSource {
  source: string;
  number: number;
  name: string;
  conclusion: string | null;
  lines: number;
  /** The store's seq of the step's first error line: a failed step opens there. */
  firstErrorSeq: number | undefined;
}

interface JobSources {
  jobId: number;
  job: string;
  conclusion: string | null;
  steps: StepSource[];
}

/** Where the viewer opens a run's log: the first error line of its first failed step. */
interface RevealPoint {
  source: string;
  seq: number;
}

export interface CiLogSources {
  runId: number;
  jobs: JobSources[];
  reveal: RevealPoint | undefined;
}

/** `ci/<run id>/<job> › <n>. <step>`: the viewer's source column shows what follows the run id. */
export function ciStepSource(runId: number, job: string, step: { number: number; name: string }): string {
  return `ci/${runId}/${job} › ${step.number}. ${step.name}`;
}

/**
 * Puts a run's job logs into the log store, one source per step, each line at the log's own time with its
 * ANSI colours kept. Loading the same run again replaces its lines rather than adding them twice.
 */
export function storeRunLogs(store: LogStore, runId: number, logs: readonly JobLogText[]): CiLogSources {
  const jobs: JobSources[] = [];
  let reveal: RevealPoint | undefined;
  for (const log of logs) {
    const steps: StepSource[] = [];
    for (const step of splitJobLog(log.text, log.steps)) {
      if (!step.lines.length) continue;
      const source = ciStepSource(runId, log.source, step);
      store.clear(source);
      let firstErrorSeq: number | undefined;
      step.lines.forEach((l, i) => {
        const seq = store.append(source, l.text, l.time, undefined, l.level);
        if (i === step.firstError) firstErrorSeq = seq;
      });
      const failed = step.conclusion === 'failure' || step.conclusion === 'timed_out';
      if (!reveal && failed && firstErrorSeq !== undefined) reveal = { source, seq: firstErrorSeq };
      const { number, name, conclusion } = step;
      steps.push({ source, number, name, conclusion, lines: step.lines.length, firstErrorSeq });
    }
    jobs.push({ jobId: log.jobId, job: log.source, conclusion: log.conclusion, steps });
  }
  return { runId, jobs, reveal };
}
