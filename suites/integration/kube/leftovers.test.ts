import * as assert from 'node:assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import type { ClusterConfig } from '../../../src/core/kube/config';
import { readClusterSnapshot } from '../../../src/core/kube/leftoverSnapshot';
import {
  DEFAULT_LEFTOVER_KINDS,
  leftoversOf,
  parseClusterKind,
  type ClusterKind,
} from '../../../src/core/kube/leftovers';
import { standIn } from './kubeHelpers';

describe('kube: cluster leftovers of a test (through the real client against the stand-in)', function () {
  this.timeout(20_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;

  beforeEach(async () => ({ api, kc } = await standIn()));
  afterEach(() => api.close());

  const jobs = parseClusterKind('Job=batch/v1/jobs') as ClusterKind;
  function snapshot(timeoutMs?: number) {
    const cluster: ClusterConfig = { kind: 'ready', kc, context: 'stand-in', server: api.url, file: '' };
    return readClusterSnapshot({
      cluster,
      namespaces: ['default'],
      kinds: [...DEFAULT_LEFTOVER_KINDS, jobs],
      timeoutMs,
    });
  }

  it('names the Deployment, bare pod, Service, Knative service and Job a test created and left', async () => {
    api.addDeployment('default', 'pynode');
    api.addObject('api/v1/services', 'default', 'gone-during-test');
    api.addObject('apis/batch/v1/jobs', 'default', 'migrate', { kind: 'Job' });
    const before = await snapshot();
    assert.deepStrictEqual(before.notes, []);

    api.addDeployment('default', 'model-test-123');
    api.addPod('default', 'model-test-123-abc', {
      owner: { kind: 'ReplicaSet', name: 'model-test-123-5d9', uid: 'rs-1' },
    });
    api.addPod('default', 'debug-shell');
    api.deleteObject('api/v1/services', 'default', 'gone-during-test');
    api.addObject('api/v1/services', 'default', 'model-test-123');
    api.addObject('apis/serving.knative.dev/v1/services', 'default', 'echo');
    api.addObject('apis/batch/v1/jobs', 'default', 'seed', { kind: 'Job' });
    const after = await snapshot();

    assert.deepStrictEqual(leftoversOf(before, after), [
      { kind: 'Deployment', namespace: 'default', name: 'model-test-123' },
      { kind: 'Job', namespace: 'default', name: 'seed' },
      { kind: 'Knative Service', namespace: 'default', name: 'echo' },
      { kind: 'Pod', namespace: 'default', name: 'debug-shell' },
      { kind: 'Service', namespace: 'default', name: 'model-test-123' },
    ]);
    const paths = new Set(api.requests.map((r) => r.path));
    assert.ok(paths.has('/apis/apps/v1/namespaces/default/deployments'));
    assert.ok(paths.has('/api/v1/namespaces/default/pods'));
    assert.ok(paths.has('/apis/serving.knative.dev/v1/namespaces/default/services'));
  });

  it('compares only what was listed both times: a stalled list is named, not reported as leftovers', async () => {
    const before = await snapshot();
    api.addDeployment('default', 'left');
    api.stall(/deployments$/);
    const after = await snapshot(300);
    assert.deepStrictEqual(leftoversOf(before, after), []);
    assert.deepStrictEqual(after.notes, [
      `The cluster at ${api.url} did not answer within 0.3 s: not compared: default Deployment.`,
    ]);
  });
});
