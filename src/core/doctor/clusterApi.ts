import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describeKubeError } from '../kube/errors';
import { requestOptions, type RequestOptions } from '../kube/requestOptions';
import { summarizePod, type PodSummary } from '../kube/pods';
import { TimeoutError } from '../cancel';
import type { DoctorContext } from './types';

/** What the doctor reads from the cluster, each call limited by `ctx.network`. */
interface NodeState {
  name: string;
  ready: boolean;
}

interface DeploymentState {
  namespace: string;
  name: string;
  wanted: number;
  ready: number;
}

export type Answer<T> = { kind: 'ok'; value: T } | { kind: 'failed'; message: string };

/** Client-node calls that are aborted with the doctor's signal (a down cluster must not hold a socket open). */
export class ClusterReader {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  constructor(
    private readonly ctx: DoctorContext,
    kc: KubeConfig,
    private readonly identity: { context: string; server: string },
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
  }

  nodes(): Promise<Answer<NodeState[]>> {
    return this.call('list', 'nodes', async (options) => {
      const list = await this.core.listNode({}, options);
      return list.items.map((n) => ({
        name: n.metadata?.name ?? '?',
        ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      }));
    });
  }

  pods(labelSelector: string): Promise<Answer<PodSummary[]>> {
    return this.call('list', 'pods', async (options) => {
      const list = await this.core.listPodForAllNamespaces({ labelSelector }, options);
      return list.items.map((p) => summarizePod(p));
    });
  }

  deployments(labelSelector: string): Promise<Answer<DeploymentState[]>> {
    return this.call('list', 'deployments', async (options) => {
      const list = await this.apps.listDeploymentForAllNamespaces({ labelSelector }, options);
      return list.items.map((d) => ({
        namespace: d.metadata?.namespace ?? '',
        name: d.metadata?.name ?? '?',
        wanted: d.spec?.replicas ?? 1,
        ready: d.status?.readyReplicas ?? 0,
      }));
    });
  }

  private async call<T>(
    verb: string,
    resource: string,
    request: (options: RequestOptions) => Promise<T>,
  ): Promise<Answer<T>> {
    try {
      const value = await this.ctx.network(`The cluster at ${this.identity.server}`, (signal) =>
        request(requestOptions(signal)),
      );
      return { kind: 'ok', value };
    } catch (e) {
      if (e instanceof TimeoutError)
        return {
          kind: 'failed',
          message: `The cluster at ${this.identity.server} did not answer within ${e.ms / 1000} s. Is it running (for minikube: \`minikube status\`)?`,
        };
      const problem = describeKubeError(e, {
        verb,
        resource,
        namespace: '(all)',
        ...this.identity,
      });
      return { kind: 'failed', message: problem.message.replace(/ Retrying with backoff\.$/, '') };
    }
  }
}
