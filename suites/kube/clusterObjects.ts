// Nodes, deployments and other namespaced objects of the stand-in: what Check Codespace reads besides
// pods (nodes Ready, model deployments with their ready replicas) and what the leftover check lists
// (services, Knative services, any `group/version/resource`). Plain objects answered as the real list JSON.

import { rfc3339Seconds } from './podModel';

export interface FakeNode {
  name: string;
  ready: boolean;
}

export interface FakeDeployment {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  replicas: number;
  readyReplicas: number;
  /** Epoch ms; listed as creationTimestamp in whole seconds, as the API server writes it. */
  created: number;
}

/** Any other namespaced object, listed under its API path (`api/v1/services`, `apis/serving.knative.dev/v1/services`). */
export interface FakeObject {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  created: number;
}

/** Collections the stand-in serves from the start (more are added with an object of a new kind). */
export const KNOWN_COLLECTIONS: Record<string, string> = {
  'api/v1/services': 'Service',
  'apis/serving.knative.dev/v1/services': 'Service',
};

export class ClusterObjects {
  readonly nodes = new Map<string, FakeNode>();
  readonly deployments = new Map<string, FakeDeployment>();
  /** By collection path (`api/v1/services`), then `namespace/name`. */
  readonly others = new Map<string, { kind: string; objects: Map<string, FakeObject> }>(
    Object.entries(KNOWN_COLLECTIONS).map(([path, kind]) => [path, { kind, objects: new Map() }]),
  );

  /** The list JSON of a collection the stand-in knows, or undefined (404, as for a CRD that is not installed). */
  objectList(collection: string, namespace: string, rv: number): object | undefined {
    const collected = this.others.get(collection);
    if (!collected) return undefined;
    const { kind, objects } = collected;
    const [, group, version] = collection.startsWith('api/') ? ['', '', 'v1'] : collection.split('/');
    const apiVersion = group ? `${group}/${version}` : version;
    return {
      kind: `${kind}List`,
      apiVersion,
      metadata: { resourceVersion: String(rv) },
      items: [...objects.values()]
        .filter((o) => o.namespace === namespace)
        .map((o) => ({
          // Custom resources carry kind and apiVersion in list items; built-in lists do not.
          ...(group && !group.endsWith('k8s.io') && group !== 'apps' && group !== 'batch'
            ? { kind, apiVersion }
            : {}),
          metadata: {
            name: o.name,
            namespace: o.namespace,
            uid: o.uid,
            labels: o.labels,
            creationTimestamp: rfc3339Seconds(o.created),
          },
        })),
    };
  }

  nodeList(resourceVersion: number): object {
    return {
      kind: 'NodeList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(resourceVersion) },
      items: [...this.nodes.values()].map((n) => ({
        kind: 'Node',
        apiVersion: 'v1',
        metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name } },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            {
              type: 'Ready',
              status: n.ready ? 'True' : 'False',
              reason: n.ready ? 'KubeletReady' : 'KubeletNotReady',
            },
          ],
        },
      })),
    };
  }

  deploymentList(
    resourceVersion: number,
    match: (labels: Record<string, string>) => boolean,
    namespace?: string,
  ): object {
    return {
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: String(resourceVersion) },
      items: [...this.deployments.values()]
        .filter((d) => (namespace === undefined || d.namespace === namespace) && match(d.labels))
        .map((d) => ({
          kind: 'Deployment',
          apiVersion: 'apps/v1',
          metadata: {
            name: d.name,
            namespace: d.namespace,
            uid: d.uid,
            labels: d.labels,
            creationTimestamp: rfc3339Seconds(d.created),
          },
          spec: {
            replicas: d.replicas,
            selector: { matchLabels: d.labels },
            template: { metadata: { labels: d.labels } },
          },
          status: {
            replicas: d.replicas,
            readyReplicas: d.readyReplicas,
            availableReplicas: d.readyReplicas,
          },
        })),
    };
  }
}
