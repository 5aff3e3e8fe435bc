import { stripVTControlCharacters } from 'node:util';
import type { LogLevel } from '../logs/filter';
import type { JobStep } from '../github/types';
import { splitGitHubTimestamp } from './jobLog';

/** One line of a job's log as the log viewer keeps it: the log's own time, GitHub's markers read. */
interface StepLine {
  time: number;
  text: string;
  /** `##[error]` and `##[warning]` say the level; other lines are guessed by the store. */
  level?: LogLevel;
}

/** A step's share of a job's log. */
interface StepLog {
  number: number;
  name: string;
  conclusion: string | null;
  lines: StepLine[];
  /** Index in `lines` of the first error line (a failed step opens there); undefined when it has none. */
  firstError: number | undefined;
}

/**
 * Splits a job's plain-text log into its steps. GitHub's log names no step: each line is given to the step
 * whose time span (the jobs API's `started_at`, to the second) holds the line's own timestamp; a step that
 * starts in the same second as the line before takes over at its `##[group]` line. Without step times the
 * whole log is one step, "log". One pass, no regex over a whole line.
 */
export function splitJobLog(text: string, steps: readonly JobStep[]): StepLog[] {
  const timed = [...steps]
    .filter((s) => s.started_at)
    .sort((a, b) => a.number - b.number)
    .map((s) => ({
      step: s,
      start: Date.parse(s.started_at!),
      end: s.completed_at ? Date.parse(s.completed_at) : Infinity,
    }));
  const out: StepLog[] = timed.length
    ? timed.map(({ step }) => ({
        number: step.number,
        name: step.name,
        conclusion: step.conclusion,
        lines: [],
        firstError: undefined,
      }))
    : [{ number: 1, name: 'log', conclusion: null, lines: [], firstError: undefined }];
  let current = 0;
  let last = 0;
  for (let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    const { at, rest } = splitGitHubTimestamp(raw);
    const time = at ?? last;
    last = time;
    const marker = gitHubMarker(rest);
    if (marker.kind === 'drop') continue;
    const second = Math.floor(time / 1000) * 1000;
    while (current + 1 < timed.length) {
      const next = timed[current + 1];
      const past = second > next.start || second > timed[current].end;
      if (!past && !(second === next.start && marker.kind === 'group')) break;
      current++;
    }
    const step = out[current];
    if (step.firstError === undefined && isErrorLine(marker.text, marker.level))
      step.firstError = step.lines.length;
    step.lines.push({ time, text: marker.text, level: marker.level });
  }
  return out;
}

type Marker = { kind: 'drop' } | { kind: 'group' | 'line'; text: string; level: LogLevel | undefined };

/** GitHub's workflow commands as the log shows them: `##[group]Run …`, `##[error]…`, `##[endgroup]`. */
function gitHubMarker(rest: string): Marker {
  if (!rest.startsWith('##[')) return { kind: 'line', text: rest, level: undefined };
  const close = rest.indexOf(']');
  const word = rest.slice(3, close);
  const text = rest.slice(close + 1);
  switch (word) {
    case 'endgroup':
      return { kind: 'drop' };
    case 'group':
      return { kind: 'group', text: `▸ ${text}`, level: undefined };
    case 'error':
      return { kind: 'line', text, level: 'error' };
    case 'warning':
      return { kind: 'line', text, level: 'warn' };
    case 'debug':
      return { kind: 'line', text, level: 'debug' };
    default:
      return { kind: 'line', text: rest, level: undefined };
  }
}

/** A line a reader of a failed step wants first: GitHub's error, pytest's FAILED/ERROR result, an `E  ` line. */
function isErrorLine(text: string, level: LogLevel | undefined): boolean {
  if (level === 'error') return true;
  const plain = text.includes('\x1b') ? stripVTControlCharacters(text) : text;
  if (plain.startsWith('FAILED ') || plain.startsWith('ERROR ') || plain.startsWith('E   ')) return true;
  const sep = plain.indexOf('.py::');
  if (sep < 0) return false;
  return / (FAILED|ERROR)( |$)/.test(plain.slice(sep));
}
