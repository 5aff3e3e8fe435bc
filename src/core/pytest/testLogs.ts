import { DJANGO_SOURCE, type LogLine, type LogStore } from '../logs/logStore';
import { EVENTS_SOURCE } from '../kube/clusterEventLines';
import { firstIndex } from '../firstIndex';
import type { TestEvidence } from './testEvidence';

/** The time a test ran (epoch ms), from the plugin's start and stop. */
export interface TestWindow {
  from: number;
  to: number;
}

/** Slack on both sides: the clocks of the plugin, Django and the pods are read by different processes. */
const WINDOW_SLACK_MS = 250;
/**
 * How long a test's window stays open after it stopped, unless the next test starts first. Django writes a
 * request's line after it sent the answer, so under load the line of a test's last request comes after the
 * test has ended (seen 250 ms and more late with both cores busy).
 */
export const WINDOW_TAIL_MS = 1000;

/**
 * The window of a test that ran from `start` to `stop`: from a little before it started to the start of the
 * test that ran next (`nextStart`), or `WINDOW_TAIL_MS` after it stopped when none started sooner; never
 * shorter than the slack after its stop.
 */
export function testWindow(start: number, stop: number, nextStart?: number): TestWindow {
  const end = Math.max(stop, start);
  const tail = nextStart === undefined ? WINDOW_TAIL_MS : Math.min(WINDOW_TAIL_MS, nextStart - end);
  return { from: Math.floor(start - WINDOW_SLACK_MS), to: Math.ceil(end + Math.max(tail, WINDOW_SLACK_MS)) };
}

/** Each test's window in a run whose tests ran one after another (`runs[i]` gets `windows[i]`). */
export function windowsOfRun(runs: readonly { start: number; stop: number }[]): TestWindow[] {
  const starts = runs.map((r) => r.start).sort((a, b) => a - b);
  return runs.map((r) => testWindow(r.start, r.stop, firstAtOrAfter(starts, Math.max(r.stop, r.start))));
}

/** The first of the sorted `times` at or after `t`. */
function firstAtOrAfter(times: readonly number[], t: number): number | undefined {
  return times[firstIndex(times.length, (i) => times[i] < t)];
}

/** Whether a log source belongs to the services a test talks to (Django and the pods). */
export function isServiceSource(source: string): boolean {
  return (
    source === DJANGO_SOURCE ||
    source === EVENTS_SOURCE ||
    source.startsWith('pod/') ||
    source.startsWith('selector/')
  );
}

/** The Django and pod lines logged while the test ran, in time order. */
export function linesForTest(store: Pick<LogStore, 'query' | 'sources'>, window: TestWindow): LogLine[] {
  const sources = store.sources().filter(isServiceSource);
  if (sources.length === 0) return [];
  return store.query({ sources, from: window.from, to: window.to });
}

/** The lines as test output: `HH:MM:SS.mmm [source] text`, CRLF-terminated for the test output terminal. */
export function formatTestLogs(
  lines: readonly Pick<LogLine, 'time' | 'source' | 'text' | 'tag'>[],
  title: string,
): string {
  if (lines.length === 0) return '';
  const out = [
    `── ${title}: ${lines.length} line(s) from ${[...new Set(lines.map((l) => l.source))].join(', ')} ──`,
  ];
  for (const l of lines)
    out.push(`${clock(l.time)} [${l.tag ? `${l.source} ${l.tag}` : l.source}] ${l.text}`);
  return out.join('\r\n') + '\r\n';
}

/**
 * A failure message's contextValue: its kind, then the window of its result. VS Code hands "Show Logs for
 * This Test" a copy of the message, not the object, so the window travels in the one field it keeps.
 */
export function logsContext(kind: string, window: TestWindow): string {
  return `${kind} window=${window.from}-${window.to}`;
}

/** The window a failure message carries (see `logsContext`), if it carries one. */
export function windowOfContext(contextValue: string | undefined): TestWindow | undefined {
  const m = / window=(\d+)-(\d+)$/.exec(contextValue ?? '');
  return m ? { from: Number(m[1]), to: Number(m[2]) } : undefined;
}

/**
 * A failure's evidence as test output: how many lines each source gave (and how many of them pytest's own
 * report already showed), the lines it did not show, the restarts, and why a source gave none.
 */
export function evidenceOutput(
  ev: TestEvidence,
  label: string,
  reported: (text: string) => boolean,
): { title: string; lines: string[]; after: string[] } {
  const given = new Map<string, { lines: number; reported: number }>();
  const lines: string[] = [];
  for (const l of ev.logs) {
    const n = given.get(l.source) ?? { lines: 0, reported: 0 };
    given.set(l.source, n);
    n.lines++;
    if (reported(l.text)) n.reported++;
    else lines.push(`${clock(l.time)} [${l.source}] ${l.text}`);
  }
  const counts = [...given].map(
    ([source, n]) =>
      `${source} ${n.lines} line${n.lines === 1 ? '' : 's'}${n.reported ? ` (${n.reported} shown in pytest's captured output above)` : ''}`,
  );
  return {
    title: `── logs while ${label} ran: ${counts.length ? counts.join(', ') : 'no lines from Django, the pods or the cluster'} ──`,
    lines,
    after: [...ev.restarts.map((r) => `restart: ${r}`), ...ev.notes.map((n) => `note: ${n}`)],
  };
}

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
