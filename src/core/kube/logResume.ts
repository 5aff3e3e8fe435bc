import type { LogOptions } from '@kubernetes/client-node';
import { compareStamps, sinceTimeFor, type StampedLine } from './timestamps';

/** The history the first connection asks for; later connections resume instead. */
interface LogHistory {
  tailLines?: number;
  sinceSeconds?: number;
}

/**
 * Where a pod's log stream picks up after a drop or a restart: the last timestamp seen (second +
 * nanos) and how many lines carried exactly it. A new connection asks from that second; lines before
 * the stamp are skipped, lines at the stamp are skipped as many times as they were already seen, so
 * nothing is repeated and nothing is missed.
 */
export class ResumePoint {
  private lastSecond = '';
  private lastNanos = 0;
  private seenAtLast = 0;
  private skipAtLast = 0;
  private lines = 0;

  /** The last second seen (`YYYY-MM-DDTHH:MM:SS`), '' before any stamped line. */
  get second(): string {
    return this.lastSecond;
  }

  /** Lines handed on since the last `connect()`; a connection that brought none is retried with backoff. */
  get linesThisConnection(): number {
    return this.lines;
  }

  /** The `sinceTime` that resumes from here, or undefined before any stamped line. */
  sinceTime(): string | undefined {
    return this.lastSecond ? sinceTimeFor(this.lastSecond) : undefined;
  }

  /** What the next request asks for: from the resume point, or on the first connection the history wanted. */
  request(follow: boolean, first: boolean, history: LogHistory): LogOptions {
    const opts: LogOptions = { follow, timestamps: true };
    if (this.lastSecond) opts.sinceTime = sinceTimeFor(this.lastSecond);
    else if (first && history.sinceSeconds) opts.sinceSeconds = history.sinceSeconds;
    // The client drops tailLines=0 (falsy), so "no history" is asked as "since now".
    else if (first && history.tailLines === 0) opts.sinceTime = new Date().toISOString().slice(0, 19) + 'Z';
    else if (first && history.tailLines !== undefined) opts.tailLines = history.tailLines;
    return opts;
  }

  /** A new connection replays the last second from its start. */
  connect(): void {
    this.lines = 0;
    this.skipAtLast = this.seenAtLast;
  }

  /** Whether a line is new and should be handed on (counted if so); a line without a stamp always is. */
  accept(t: StampedLine): boolean {
    if (t.second) {
      const order = this.lastSecond ? compareStamps(t.second, t.nanos, this.lastSecond, this.lastNanos) : 1;
      if (order < 0) return false;
      if (order === 0) {
        if (this.skipAtLast > 0) {
          this.skipAtLast--;
          return false;
        }
        this.seenAtLast++;
      } else {
        this.lastSecond = t.second;
        this.lastNanos = t.nanos;
        this.seenAtLast = 1;
        this.skipAtLast = 0;
      }
    }
    this.lines++;
    return true;
  }
}
