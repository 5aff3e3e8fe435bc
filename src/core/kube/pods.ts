/** What the Pods view shows about a pod; built from a listed V1Pod or a watch event's plain JSON alike. */
export interface PodSummary {
  namespace: string;
  name: string;
  uid: string;
  phase: string;
  /** Containers ready / total. */
  ready: number;
  total: number;
  restarts: number;
  containers: string[];
  /** The container `kubectl logs` picks without -c. */
  defaultContainer: string;
  /** The running instance of each container (changes when it restarts). */
  containerIds: Record<string, string>;
  terminating: boolean;
  labels: Record<string, string>;
  resourceVersion: string;
}

interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    deletionTimestamp?: unknown;
  };
  spec?: { containers?: { name: string }[] };
  status?: {
    phase?: string;
    containerStatuses?: { name: string; ready?: boolean; restartCount?: number; containerID?: string }[];
  };
}

export function summarizePod(pod: unknown, fallbackNamespace = ''): PodSummary {
  const p = (pod ?? {}) as PodLike;
  const containers = (p.spec?.containers ?? []).map((c) => c.name);
  const statuses = p.status?.containerStatuses ?? [];
  const annotated = p.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  return {
    namespace: p.metadata?.namespace ?? fallbackNamespace,
    name: p.metadata?.name ?? '?',
    uid: p.metadata?.uid ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready: statuses.filter((s) => s.ready).length,
    total: containers.length,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    containers,
    defaultContainer: annotated && containers.includes(annotated) ? annotated : (containers[0] ?? ''),
    containerIds: Object.fromEntries(statuses.map((s) => [s.name, s.containerID ?? ''])),
    terminating: !!p.metadata?.deletionTimestamp,
    labels: p.metadata?.labels ?? {},
    resourceVersion: p.metadata?.resourceVersion ?? '',
  };
}

/** "Running · 1/1 ready · 2 restarts" */
export function describePod(p: PodSummary): string {
  const parts = [p.terminating ? 'Terminating' : p.phase, `${p.ready}/${p.total} ready`];
  if (p.restarts) parts.push(`${p.restarts} restart${p.restarts === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** Store source of one followed container. */
export function podSource(namespace: string, pod: string, container: string): string {
  return `pod/${namespace}/${pod}/${container}`;
}

/** Store source of a label-selector stream (each line tagged with its pod). */
export function selectorSource(namespace: string, selector: string): string {
  return `selector/${namespace}/${selector}`;
}
