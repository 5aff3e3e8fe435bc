/**
 * Cluster leftovers of a test: objects created while it ran and still there after it. A snapshot before
 * and one after (leftoverSnapshot.ts reads them); the diff here is pure.
 */

/** A kind the check lists, as `group/version/resource` (`apps/v1/deployments`; `v1/services` for the core group). */
export interface ClusterKind {
  group: string;
  version: string;
  resource: string;
  /** How a person names it: `Deployment`, `Knative Service`. */
  kind: string;
}

export const DEFAULT_LEFTOVER_KINDS: readonly ClusterKind[] = [
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod' },
  { group: '', version: 'v1', resource: 'services', kind: 'Service' },
  { group: 'serving.knative.dev', version: 'v1', resource: 'services', kind: 'Knative Service' },
];

/** `batch/v1/jobs`, `v1/configmaps`, or `Job=batch/v1/jobs` to name the kind; a word for what is wrong otherwise. */
export function parseClusterKind(text: string): ClusterKind | { error: string } {
  const [named, spec] = text.includes('=') ? text.split('=', 2) : ['', text];
  const parts = spec.trim().split('/');
  if ((parts.length !== 2 && parts.length !== 3) || parts.some((p) => !/^[a-z0-9.-]+$/.test(p)))
    return {
      error: `"${text}" is not a kind to check: write it as group/version/resource (batch/v1/jobs) or v1/resource.`,
    };
  const [group, version, resource] = parts.length === 3 ? parts : ['', ...parts];
  return { group, version, resource, kind: named.trim() || resource };
}

export function kindKey(k: ClusterKind): string {
  return `${k.group}/${k.version}/${k.resource}`;
}

/** One object as a snapshot holds it. */
export interface ClusterObject {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  /** The controller that owns it (a pod's ReplicaSet or Job), from ownerReferences. */
  controller?: { kind: string; name: string; uid: string };
  /** metadata.creationTimestamp, epoch ms: whole seconds, as the API server writes it. */
  created?: number;
}

export interface ClusterSnapshot {
  objects: ClusterObject[];
  /** `namespace kind` of each list that was read whole; a kind missing on either side is not compared. */
  listed: string[];
  notes: string[];
}

/** What a test left behind, as the warning names it. */
export interface Leftover {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Objects in `after` that were not in `before` (by uid: a deleted and recreated object is new), in lists
 * read whole both times. A pod run by a controller is the controller's business: it counts only when its
 * controller is of a kind the snapshot lists and is gone (an orphan).
 */
export function leftoversOf(before: ClusterSnapshot, after: ClusterSnapshot): Leftover[] {
  return newObjectsOf(before, after)
    .map((o) => ({ kind: o.kind, namespace: o.namespace, name: o.name }))
    .sort(byPlace);
}

function newObjectsOf(before: ClusterSnapshot, after: ClusterSnapshot): ClusterObject[] {
  const compared = new Set(before.listed.filter((l) => after.listed.includes(l)));
  const known = new Set(before.objects.map((o) => o.uid));
  const present = new Set(after.objects.map((o) => o.uid));
  const listedKinds = new Set(after.objects.map((o) => o.kind));
  return after.objects
    .filter((o) => compared.has(listKey(o)) && !known.has(o.uid))
    .filter((o) => !o.controller || (listedKinds.has(o.controller.kind) && !present.has(o.controller.uid)));
}

function byPlace(a: Leftover, b: Leftover): number {
  return (
    a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)
  );
}

/** A test's time window as the plugin reports it (epoch ms, setup to teardown). */
export interface TestSpan {
  nodeid: string;
  start: number;
  stop: number;
}

/** A leftover with the test it is charged to, as `run --json` lists it. */
export interface TestLeftover extends Leftover {
  nodeid: string;
}

/** creationTimestamp has whole seconds: an object stamped `t` was made somewhen in [t, t + 1 s). */
const STAMP_MS = 1000;

/**
 * The objects a run left (new since `before`, still in `after`), each charged to the test whose window
 * holds its creationTimestamp's second; when several windows share that second, the one covering most of
 * it (the likeliest, the creation time being anywhere in the second). An object made outside every
 * window (between tests, before or after the run, or a clock that is off) is not charged, but named.
 */
export function leftoversByTest(
  before: ClusterSnapshot,
  after: ClusterSnapshot,
  tests: readonly TestSpan[],
): { leftovers: TestLeftover[]; uncharged: Leftover[] } {
  const leftovers: TestLeftover[] = [];
  const uncharged: Leftover[] = [];
  for (const o of newObjectsOf(before, after)) {
    const place = { kind: o.kind, namespace: o.namespace, name: o.name };
    const test = o.created === undefined ? undefined : testAt(o.created, tests);
    if (test) leftovers.push({ nodeid: test.nodeid, ...place });
    else uncharged.push(place);
  }
  const order = new Map(tests.map((t, i) => [t.nodeid, i]));
  leftovers.sort((a, b) => (order.get(a.nodeid) ?? 0) - (order.get(b.nodeid) ?? 0) || byPlace(a, b));
  return { leftovers, uncharged: uncharged.sort(byPlace) };
}

function testAt(created: number, tests: readonly TestSpan[]): TestSpan | undefined {
  let best: TestSpan | undefined;
  let most = -1;
  for (const t of tests) {
    const overlap = Math.min(t.stop, created + STAMP_MS) - Math.max(t.start, created);
    if (overlap >= 0 && overlap > most) [best, most] = [t, overlap];
  }
  return best;
}

/** `left Deployment default/model-x, Pod default/debug-1 in the cluster` */
export function leftoverWarning(leftovers: readonly Leftover[]): string {
  return `left ${leftovers.map((l) => `${l.kind} ${l.namespace}/${l.name}`).join(', ')} in the cluster`;
}

export function listKey(o: { namespace: string; kind: string }): string {
  return `${o.namespace} ${o.kind}`;
}
