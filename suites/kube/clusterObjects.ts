// Nodes and deployments of the stand-in: what Check Codespace reads besides pods (nodes Ready, model
// deployments with their ready replicas). Plain objects answered as the real list JSON.

export interface FakeNode {
  name: string;
  ready: boolean;
}

export interface FakeDeployment {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  replicas: number;
  readyReplicas: number;
}

export class ClusterObjects {
  readonly nodes = new Map<string, FakeNode>();
  readonly deployments = new Map<string, FakeDeployment>();

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
          metadata: { name: d.name, namespace: d.namespace, labels: d.labels },
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
