import { loadClusterConfig, type ClusterConfig } from '../kube/config';
import { evidenceSelectors, readClusterEvidence, type EvidenceLine } from '../kube/testEvidence';
import { DJANGO_SOURCE, type LogLine, type LogStore } from '../logs/logStore';
import type { SettingsGet } from '../settings';
import { isServiceSource, type TestWindow } from './testLogs';

export type { EvidenceLine } from '../kube/testEvidence';

/** Where to read the pods no one followed, and the window's events; without it, only the log store is read. */
export interface EvidenceCluster {
  config: ClusterConfig;
  namespaces: readonly string[];
  /** Label selectors of the pods a test talks to (see `evidenceSelectors`). */
  selectors: readonly string[];
  /** The cluster's part comes within this (default 2 s); what is late is named in a note. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface TestEvidenceRequest {
  window: TestWindow;
  /** The Django lines (teed by the plugin) and the followed pods' lines. */
  store: Pick<LogStore, 'query' | 'sources'>;
  cluster?: EvidenceCluster;
  /** At most this many lines per source, the newest of the window (default 200). */
  maxLinesPerSource?: number;
}

/** What a test's window holds: lines in time order, containers that stopped, and what is missing and why. */
export interface TestEvidence {
  logs: EvidenceLine[];
  restarts: string[];
  notes: string[];
}

const DEFAULT_LINES_PER_SOURCE = 200;

/** Where the cluster is and which pods count, from the settings (kube.*, doctor.*Selector, logs.podSelectors). */
export function clusterFromSettings(get: SettingsGet): EvidenceCluster {
  return {
    config: loadClusterConfig({ kubeconfig: get('kube.kubeconfig'), context: get('kube.context') }),
    namespaces: get('kube.namespaces'),
    selectors: evidenceSelectors(
      { pynodeSelector: get('doctor.pynodeSelector'), modelSelector: get('doctor.modelSelector') },
      get('logs.podSelectors'),
    ),
  };
}

/**
 * The evidence of one test, as the CLI and the Test Explorer show it: the Django lines and followed pods'
 * lines of its window from the log store, and (with a cluster) the lines of the selected pods no one
 * followed, the window's events and restarts. Merged in time order, bounded per source. Never throws;
 * the cluster's part takes at most its timeout.
 */
export async function evidenceForTest(req: TestEvidenceRequest): Promise<TestEvidence> {
  const max = req.maxLinesPerSource ?? DEFAULT_LINES_PER_SOURCE;
  const notes: string[] = [];
  const stored = storedLines(req.store, req.window);
  notes.push(...storeNotes(req.store, stored, req.cluster !== undefined));
  let restarts: string[] = [];
  let clusterLines: EvidenceLine[] = [];
  if (req.cluster) {
    const got = await readClusterEvidence({
      cluster: req.cluster.config,
      namespaces: req.cluster.namespaces,
      selectors: req.cluster.selectors,
      window: req.window,
      timeoutMs: req.cluster.timeoutMs,
      signal: req.cluster.signal,
      limits: { linesPerPod: max },
    });
    clusterLines = got.lines;
    restarts = got.restarts.map((r) => r.text);
    notes.push(...got.notes);
  }
  const merged = dedupe([...stored, ...clusterLines]).sort((a, b) => a.time - b.time);
  const { lines, cut } = boundPerSource(merged, max);
  for (const [source, n] of cut)
    notes.push(`${source}: ${n} older lines of the window left out (${max} kept).`);
  return { logs: lines, restarts, notes };
}

function storedLines(store: TestEvidenceRequest['store'], window: TestWindow): EvidenceLine[] {
  const sources = store.sources().filter(isServiceSource);
  if (!sources.length) return [];
  return store.query({ sources, from: window.from, to: window.to }).map(evidenceLine);
}

function evidenceLine(l: LogLine): EvidenceLine {
  const level = l.level === 'error' || l.level === 'warn' || l.level === 'info' ? l.level : undefined;
  return {
    source: l.tag ? `${l.source} ${l.tag}` : l.source,
    time: l.time,
    text: l.text,
    ...(level ? { level } : {}),
  };
}

/** Says plainly when the store gave no Django or pod lines, and why. */
function storeNotes(
  store: TestEvidenceRequest['store'],
  lines: readonly EvidenceLine[],
  clusterRead: boolean,
): string[] {
  const sources = store.sources();
  const notes: string[] = [];
  if (!sources.includes(DJANGO_SOURCE))
    notes.push(
      "No Django lines: Django was not seen in this run (neither the session's own Django nor a followed server wrote a line).",
    );
  else if (!lines.some((l) => l.source === DJANGO_SOURCE))
    notes.push('No Django lines: Django logged nothing while the test ran.');
  const followed = sources.some((s) => s.startsWith('pod/') || s.startsWith('selector/'));
  if (!clusterRead && !followed)
    notes.push('No pod lines and no events: no pod was followed and the cluster was not read.');
  else if (!clusterRead && !lines.some((l) => l.source !== DJANGO_SOURCE))
    notes.push(
      'No pod lines: the followed pods logged nothing while the test ran (the cluster was not read).',
    );
  return notes;
}

/** A followed pod's line may also come from the cluster read: kept once. */
function dedupe(lines: readonly EvidenceLine[]): EvidenceLine[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const key = `${l.source}\0${l.time}\0${l.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The newest `max` lines of each source, the whole still in time order. */
function boundPerSource(
  lines: readonly EvidenceLine[],
  max: number,
): { lines: EvidenceLine[]; cut: Map<string, number> } {
  const count = new Map<string, number>();
  for (const l of lines) count.set(l.source, (count.get(l.source) ?? 0) + 1);
  const cut = new Map<string, number>();
  for (const [s, n] of count) if (n > max) cut.set(s, n - max);
  const skip = new Map(cut);
  const kept = lines.filter((l) => {
    const left = skip.get(l.source) ?? 0;
    if (left <= 0) return true;
    skip.set(l.source, left - 1);
    return false;
  });
  return { lines: kept, cut };
}
