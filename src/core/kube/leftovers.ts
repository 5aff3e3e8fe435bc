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
  const compared = new Set(before.listed.filter((l) => after.listed.includes(l)));
  const known = new Set(before.objects.map((o) => o.uid));
  const present = new Set(after.objects.map((o) => o.uid));
  const listedKinds = new Set(after.objects.map((o) => o.kind));
  return after.objects
    .filter((o) => compared.has(listKey(o)) && !known.has(o.uid))
    .filter((o) => !o.controller || (listedKinds.has(o.controller.kind) && !present.has(o.controller.uid)))
    .map((o) => ({ kind: o.kind, namespace: o.namespace, name: o.name }))
    .sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) ||
        a.kind.localeCompare(b.kind) ||
        a.name.localeCompare(b.name),
    );
}

/** `left Deployment default/model-x, Pod default/debug-1` */
export function leftoverWarning(leftovers: readonly Leftover[]): string {
  return `left ${leftovers.map((l) => `${l.kind} ${l.namespace}/${l.name}`).join(', ')} in the cluster`;
}

export function listKey(o: { namespace: string; kind: string }): string {
  return `${o.namespace} ${o.kind}`;
}
