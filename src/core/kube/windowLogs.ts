import type { TestWindow } from '../pytest/testLogs';
import { splitTimestamp } from './timestamps';

/** One line of cluster evidence: a pod's log line or an Event, at its own time (epoch ms). */
export interface EvidenceLine {
  source: string;
  time: number;
  text: string;
  level?: 'error' | 'warn' | 'info';
}

/** What one log body held for the window: its lines (the newest `maxLines`), and what was left out. */
interface WindowedLog {
  lines: EvidenceLine[];
  /** Lines in the window beyond `maxLines` (the oldest), left out. */
  leftOut: number;
  /** The body ended at `limitBytes`: later lines of the window were not sent. */
  cutAtBytes: boolean;
}

/**
 * The lines of a log body read with `timestamps=true` and a whole-second `sinceTime` that fall inside
 * the window: the server's since is coarser than the window, so lines before `from` are dropped here,
 * as are those after `to`. A body that reached `limitBytes` may end mid-line; that part is dropped.
 */
export function linesInWindow(
  body: string,
  source: string,
  window: TestWindow,
  opts: { maxLines: number; limitBytes?: number },
): WindowedLog {
  const cutAtBytes = opts.limitBytes !== undefined && Buffer.byteLength(body) >= opts.limitBytes;
  const raw = body.split('\n');
  // The last piece follows the last newline: empty for a whole body, a partial line for a cut one.
  raw.pop();
  const lines: EvidenceLine[] = [];
  for (const line of raw) {
    const head = Buffer.from(line.slice(0, 42), 'latin1');
    const stamp = splitTimestamp(head, 0, head.length);
    if (Number.isNaN(stamp.ms) || stamp.ms < window.from || stamp.ms > window.to) continue;
    lines.push({ source, time: stamp.ms, text: line.slice(stamp.textStart).replace(/\r$/, '') });
  }
  const leftOut = Math.max(0, lines.length - opts.maxLines);
  return { lines: leftOut ? lines.slice(leftOut) : lines, leftOut, cutAtBytes };
}

/** The `sinceTime` for a window: its start, in the whole seconds the API server passes on to the kubelet. */
export function sinceTimeOf(window: TestWindow): string {
  return new Date(Math.floor(window.from / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
