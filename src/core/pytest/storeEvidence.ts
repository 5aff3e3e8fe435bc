import type { LogStore } from '../logs/logStore';
import { DJANGO_SOURCE } from '../logs/logStore';
import type { TestEvidence } from './testEvidence';
import type { TestWindow } from './testLogs';

/**
 * A failure's lines read from the cluster (pods no one followed, the window's events) into the log store,
 * each once, so *Show Logs for This Test* cuts the viewer to a window that has every source of the test.
 * Django's lines and followed pods' lines are in the store already. Returns how many lines were added.
 */
export function storeClusterEvidence(
  store: Pick<LogStore, 'append' | 'query'>,
  evidence: Pick<TestEvidence, 'logs'>,
  window: TestWindow,
): number {
  const bySource = new Map<string, TestEvidence['logs']>();
  for (const l of evidence.logs) {
    if (l.source === DJANGO_SOURCE) continue;
    const lines = bySource.get(l.source) ?? [];
    lines.push(l);
    bySource.set(l.source, lines);
  }
  let added = 0;
  for (const [source, lines] of bySource) {
    const from = Math.min(window.from, ...lines.map((l) => l.time));
    const to = Math.max(window.to, ...lines.map((l) => l.time));
    const have = new Set(store.query({ sources: [source], from, to }).map((l) => `${l.time}\0${l.text}`));
    for (const l of lines) {
      const key = `${l.time}\0${l.text}`;
      if (have.has(key)) continue;
      have.add(key);
      store.append(source, l.text, l.time, undefined, l.level);
      added++;
    }
  }
  return added;
}
