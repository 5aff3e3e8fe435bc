import { DJANGO_SOURCE, type LogLine, type LogStore } from '../logs/logStore';

/** The time a test ran (epoch ms), from the plugin's start and stop. */
export interface TestWindow {
  from: number;
  to: number;
}

/** Slack on both sides: a request logged by Django a moment after the test saw its answer still belongs to it. */
export const WINDOW_SLACK_MS = 250;

export function testWindow(start: number, stop: number, slackMs = WINDOW_SLACK_MS): TestWindow {
  return { from: Math.floor(start - slackMs), to: Math.ceil(Math.max(stop, start) + slackMs) };
}

/** Whether a log source belongs to the services a test talks to (Django and the pods). */
export function isServiceSource(source: string): boolean {
  return source === DJANGO_SOURCE || source.startsWith('pod/') || source.startsWith('selector/');
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

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
