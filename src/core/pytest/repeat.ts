import type { CancelToken } from '../cancel';

/** How Run Repeatedly ended: the runs made, how many had a failure, and why it stopped. */
export interface RepeatOutcome {
  runs: number;
  failedRuns: number;
  stopped: 'done' | 'firstFailure' | 'cancelled';
}

/** Runs `runOnce` up to `times` times, one after the other; with `untilFailure`, stops after the first failing run. */
export async function runRepeatedly(opts: {
  times: number;
  untilFailure: boolean;
  runOnce(index: number): Promise<{ failed: boolean }>;
  token?: CancelToken;
}): Promise<RepeatOutcome> {
  let runs = 0;
  let failedRuns = 0;
  while (runs < opts.times) {
    if (opts.token?.isCancellationRequested) return { runs, failedRuns, stopped: 'cancelled' };
    const { failed } = await opts.runOnce(runs);
    runs++;
    if (failed) failedRuns++;
    if (failed && opts.untilFailure) return { runs, failedRuns, stopped: 'firstFailure' };
  }
  return { runs, failedRuns, stopped: opts.token?.isCancellationRequested ? 'cancelled' : 'done' };
}

/** A count typed by a person: a whole number from 1 to 1,000, else what to type instead. */
export function parseTimes(text: string): number | string {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 'Type a whole number from 1 to 1000.';
}
