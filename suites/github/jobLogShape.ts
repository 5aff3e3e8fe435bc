// A whole GitHub Actions job log, as the job-log endpoint serves it: a BOM, every line after its timestamp,
// each step opened by `##[group]Run …`, a failed step closed by `##[error]`, and the steps' times as the jobs
// API gives them (to the second), so the stand-in can serve both.
import type { PlannedJob } from './runJson';

export interface LogStep {
  name: string;
  conclusion: 'success' | 'failure' | 'skipped';
  /** The command the step runs, as `##[group]Run <command>` shows it. */
  run: string;
  /** The step's output, one line each (ANSI colours kept). */
  output: string[];
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '0000Z');
const second = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The job's log and its planned steps with their times; steps one second apart, lines 5 ms apart. */
export function githubJobLog(
  steps: readonly LogStep[],
  start = Date.parse('2024-05-01T12:00:00Z'),
): { log: string; steps: PlannedJob['steps'] } {
  const lines: string[] = [];
  const planned: PlannedJob['steps'] = [];
  let t = start;
  for (const step of steps) {
    const began = t;
    if (step.conclusion !== 'skipped') {
      const body = [
        `##[group]Run ${step.run}`,
        step.run,
        'shell: /usr/bin/bash -e {0}',
        '##[endgroup]',
        ...step.output,
        ...(step.conclusion === 'failure' ? ['##[error]Process completed with exit code 1.'] : []),
      ];
      for (const line of body) {
        lines.push(`${stamp(t)} ${line}`);
        t += 5;
      }
    }
    planned.push({
      name: step.name,
      conclusion: step.conclusion,
      startedAt: second(began),
      completedAt: second(t),
    });
    // The next step starts in a later second, as a real step's setup takes a while.
    t = Math.floor(t / 1000) * 1000 + 1000;
  }
  return { log: `\ufeff${lines.join('\n')}\n`, steps: planned };
}
