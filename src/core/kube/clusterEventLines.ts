import type { CoreV1Event } from '@kubernetes/client-node';
import type { TestWindow } from '../pytest/testLogs';
import type { EvidenceLine } from './windowLogs';

/** The source of Events among a test's evidence lines. */
export const EVENTS_SOURCE = 'events';

/**
 * When an Event happened: [first, last] occurrence in epoch ms. Legacy events (the kubelet) carry
 * first/lastTimestamp in whole seconds; newer components write only eventTime (microseconds).
 */
function eventSpan(e: CoreV1Event): { first: number; last: number } | undefined {
  const ms = (d: Date | string | undefined | null) => (d ? new Date(d).getTime() : NaN);
  const last = [ms(e.lastTimestamp), ms(e.series?.lastObservedTime), ms(e.eventTime)].find(
    (t) => !Number.isNaN(t),
  );
  const first = [ms(e.firstTimestamp), ms(e.eventTime), ms(e.metadata?.creationTimestamp)].find(
    (t) => !Number.isNaN(t),
  );
  if (last === undefined && first === undefined) return undefined;
  return { first: first ?? last!, last: last ?? first! };
}

/** Whether the Event occurred during the window; whole-second stamps count for their whole second. */
export function eventInWindow(e: CoreV1Event, window: TestWindow): boolean {
  const span = eventSpan(e);
  if (!span) return false;
  return span.first <= window.to && span.last + 999 >= window.from;
}

/** `Warning BackOff Pod default/pynode-1: Back-off restarting failed container (5 times)` at its last occurrence, kept inside the window. */
export function eventLine(e: CoreV1Event, window: TestWindow): EvidenceLine {
  const span = eventSpan(e) ?? { first: window.from, last: window.from };
  const o = e.involvedObject;
  const count = (e.count ?? e.series?.count ?? 1) > 1 ? ` (${e.count ?? e.series?.count} times)` : '';
  const type = e.type ?? 'Normal';
  return {
    source: EVENTS_SOURCE,
    time: Math.min(window.to, Math.max(window.from, span.last)),
    text: `${type} ${e.reason ?? ''} ${o.kind ?? ''} ${o.namespace ?? e.metadata?.namespace ?? ''}/${o.name ?? ''}: ${(e.message ?? '').trim()}${count}`,
    level: type === 'Warning' ? 'warn' : 'info',
  };
}

/** At most `max` Events, warnings kept before the others; in time order. Returns how many were left out. */
export function pickEvents(lines: EvidenceLine[], max: number): { lines: EvidenceLine[]; leftOut: number } {
  const warnings = lines.filter((l) => l.level === 'warn');
  const others = lines.filter((l) => l.level !== 'warn');
  const byTime = (a: EvidenceLine, b: EvidenceLine) => a.time - b.time;
  // The newest of each kind: nearest the failure.
  const keptWarnings = warnings.sort(byTime).slice(-max);
  const keptOthers = others.sort(byTime).slice(Math.max(0, others.length - (max - keptWarnings.length)));
  const kept = [...keptWarnings, ...(keptWarnings.length < max ? keptOthers : [])].sort(byTime);
  return { lines: kept, leftOut: lines.length - kept.length };
}
