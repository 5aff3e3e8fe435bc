import { readFileSync } from 'node:fs';

/** What Linux's scheduler has counted for the calling thread, in ms. */
interface ThreadTimes {
  /** On a CPU. */
  runningMs: number;
  /** Ready to run, but waiting for a CPU that other processes held. */
  waitingMs: number;
}

/**
 * The calling thread's times from `/proc/thread-self/schedstat`; undefined where there is none (not Linux,
 * or a kernel without schedstats). A read costs microseconds: it is taken around a stretch of work, not in it.
 */
export function threadTimes(): ThreadTimes | undefined {
  try {
    return parseSchedstat(readFileSync('/proc/thread-self/schedstat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** `schedstat`'s first two fields: nanoseconds on a CPU, nanoseconds waiting on a run queue. */
export function parseSchedstat(text: string): ThreadTimes | undefined {
  const [running, waiting] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(running) || !Number.isFinite(waiting)) return undefined;
  return { runningMs: running / 1e6, waitingMs: waiting / 1e6 };
}

/** How long the thread waited for a CPU between two readings: 0 when either is missing. */
export function waitedForCpu(from: ThreadTimes | undefined, to: ThreadTimes | undefined): number {
  return from && to ? Math.max(0, to.waitingMs - from.waitingMs) : 0;
}
