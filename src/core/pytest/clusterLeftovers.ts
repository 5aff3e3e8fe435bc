import {
  DEFAULT_LEFTOVER_KINDS,
  kindKey,
  leftoversByTest,
  leftoverWarning,
  parseClusterKind,
  type ClusterKind,
  type ClusterSnapshot,
  type Leftover,
  type TestLeftover,
  type TestSpan,
} from '../kube/leftovers';
import { readClusterSnapshot } from '../kube/leftoverSnapshot';
import type { ClusterConfig } from '../kube/config';
import type { SettingsGet } from '../settings';
import { clusterFromSettings } from './testEvidence';

export type { TestLeftover, TestSpan } from '../kube/leftovers';

/** Each list of the cluster is given this long, before the run and after it. */
const LEFTOVER_SNAPSHOT_TIMEOUT_MS = 1000;

/** What the run left in the cluster, by test, and what could not be compared or charged (each said once). */
interface LeftoverFindings {
  leftovers: TestLeftover[];
  notes: string[];
}

interface Where {
  cluster: ClusterConfig;
  namespaces: readonly string[];
  kinds: readonly ClusterKind[];
}

/**
 * The cluster half of the leak check, for the CLI and the Test Explorer alike: the objects of
 * `kube.namespaces` (Deployments, pods, Services, Knative services and `leaks.kinds`) are listed once
 * before pytest starts and once after it ends, and each new object still there is charged to the test
 * whose window holds its creationTimestamp. Two lists per run, not two per test: the plugin does not wait
 * for the extension, so a list read on a test's `started` or `finished` event would race the tests around
 * it, and timestamps put each object in its window without that race. What a later test or the session
 * deleted before the end is not left over.
 */
export class ClusterLeftoverCheck {
  private constructor(
    private readonly where: Where,
    private readonly before: ClusterSnapshot,
    private readonly notes: string[],
  ) {}

  /** Lists the cluster as it is before the run (within 1 s per list); never throws. */
  static async begin(get: SettingsGet, signal?: AbortSignal): Promise<ClusterLeftoverCheck> {
    const { kinds, notes } = leftoverKinds(get('leaks.kinds'));
    const where: Where = {
      cluster: clusterFromSettings(get).config,
      namespaces: get('kube.namespaces'),
      kinds,
    };
    if (where.cluster.kind !== 'ready')
      return new ClusterLeftoverCheck(where, NOTHING, [
        ...notes,
        `The leak check does not look for leftovers in the cluster in this run: ${where.cluster.message}`,
      ]);
    const before = await snapshot(where, signal);
    return new ClusterLeftoverCheck(where, before, [...notes, ...before.notes.map(leftoverNote)]);
  }

  /** Lists it again after the run, and charges what is new to the tests; never throws. */
  async end(tests: readonly TestSpan[], signal?: AbortSignal): Promise<LeftoverFindings> {
    if (this.where.cluster.kind !== 'ready') return { leftovers: [], notes: this.notes };
    const after = await snapshot(this.where, signal);
    const { leftovers, uncharged } = leftoversByTest(this.before, after, tests);
    const notes = [...this.notes, ...after.notes.map(leftoverNote)];
    if (uncharged.length)
      notes.push(
        `Leftovers in the cluster: ${places(uncharged)} appeared during the run but outside every test's window (a fixture between tests, or the cluster's clock is off): not charged to a test.`,
      );
    return { leftovers, notes: [...new Set(notes)] };
  }
}

const NOTHING: ClusterSnapshot = { objects: [], listed: [], notes: [] };

const leftoverNote = (note: string) => `Leftovers in the cluster: ${note}`;

function snapshot(where: Where, signal?: AbortSignal): Promise<ClusterSnapshot> {
  return readClusterSnapshot({ ...where, timeoutMs: LEFTOVER_SNAPSHOT_TIMEOUT_MS, signal });
}

/** The default kinds and those of `codespaceTests.leaks.kinds`; a malformed entry is named and skipped. */
export function leftoverKinds(extra: readonly string[]): { kinds: ClusterKind[]; notes: string[] } {
  const kinds = [...DEFAULT_LEFTOVER_KINDS];
  const notes: string[] = [];
  for (const text of extra) {
    const k = parseClusterKind(text);
    if ('error' in k) notes.push(`codespaceTests.leaks.kinds: ${k.error}`);
    else if (!kinds.some((d) => kindKey(d) === kindKey(k))) kinds.push(k);
  }
  return { kinds, notes };
}

/** The warning on the test, beside its leaked rows: `left Deployment default/x in the cluster`. */
export function leftoverWarningsByTest(leftovers: readonly TestLeftover[]): Map<string, string> {
  const byTest = new Map<string, TestLeftover[]>();
  for (const l of leftovers) byTest.set(l.nodeid, [...(byTest.get(l.nodeid) ?? []), l]);
  return new Map([...byTest].map(([id, ls]) => [id, leftoverWarning(ls)]));
}

/** The run's summary, one line per test: `nodeid: left Deployment default/x in the cluster`. */
export function leftoverSummary(leftovers: readonly TestLeftover[]): string[] {
  const byTest = leftoverWarningsByTest(leftovers);
  if (!byTest.size) return [];
  const n = byTest.size;
  return [
    `Leak check: ${n} test${n === 1 ? '' : 's'} left objects in the cluster:`,
    ...[...byTest].map(([id, warning]) => `  ${id}: ${warning}`),
  ];
}

function places(objects: readonly Leftover[]): string {
  return objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`).join(', ');
}
