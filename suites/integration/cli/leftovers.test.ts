import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { freePort, runCli, teamFixtureCopy } from '../support';

const FILE = 'backend/oracles/tests/integration/test_cluster_leftovers.py';

// The tests talk to the stand-in's API themselves, as a test that deploys a model does.
const TESTS = `import json
import os
import time
import urllib.request

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def _call(method, path, body=None):
    request = urllib.request.Request(
        os.environ["CIT_STAND_IN_URL"] + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + os.environ["CIT_STAND_IN_TOKEN"], "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status


def test_creates_and_deletes_a_deployment():
    assert _call("POST", DEPLOYMENTS, {"metadata": {"name": "cleaned-up"}}) == 201
    assert _call("DELETE", DEPLOYMENTS + "/cleaned-up") == 200


def test_leaves_a_deployment():
    # creationTimestamp has whole seconds: a second of this test's own first, so no other window shares it.
    time.sleep(1.05)
    assert _call("POST", DEPLOYMENTS, {"metadata": {"name": "model-left"}}) == 201
`;

interface Leak {
  nodeid: string;
  kind?: string;
  namespace?: string;
  name?: string;
  table?: string;
}

describe('codespace-tests run --leaks: what a test left in the cluster', function () {
  this.timeout(180_000);
  let team: string;
  let api: FakeKubeApi;

  before(async () => {
    team = teamFixtureCopy('cit-cli-leftovers-', await freePort());
    writeFileSync(join(team, FILE), TESTS);
    api = await FakeKubeApi.start();
    const file = join(team, '.vscode/settings.json');
    const now = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const settings = {
      ...now,
      'codespaceTests.kube.kubeconfig': api.writeKubeconfig(),
      'codespaceTests.tests.env': { CIT_STAND_IN_URL: api.url, CIT_STAND_IN_TOKEN: api.token },
    };
    writeFileSync(file, JSON.stringify(settings, null, 2));
  });
  after(async () => {
    await api.close();
    rmSync(team, { recursive: true, force: true });
  });
  // Each run starts from the cluster as it was: only the Deployment that was there before the run.
  beforeEach(() => {
    api.deleteDeployment('default', 'model-left');
    api.addDeployment('default', 'pynode');
  });

  const run = (...args: string[]) =>
    runCli(['run', '--workspace', team, '--leaks', ...args, FILE], { cwd: team });

  it('--json: the Deployment one test left is listed with its test, beside the table rows; the one deleted is not', async () => {
    const r = await run('--json');
    const out = JSON.parse(r.stdout) as { results: { nodeid: string; outcome: string }[]; leaks: Leak[] };
    const show = `${r.stdout}\n${r.stderr}`;
    assert.deepStrictEqual(
      out.results.map((t) => t.outcome),
      ['passed', 'passed'],
      show,
    );
    const leftovers = out.leaks.filter((l) => l.kind !== undefined);
    assert.deepStrictEqual(
      leftovers.map((l) => ({ ...l, nodeid: l.nodeid.replace(/^.*(?=test_cluster_leftovers)/, '') })),
      [
        {
          nodeid: 'test_cluster_leftovers.py::test_leaves_a_deployment',
          kind: 'Deployment',
          namespace: 'default',
          name: 'model-left',
        },
      ],
      show,
    );
    assert.ok(out.results[1].nodeid === leftovers[0].nodeid, show);
    assert.ok(
      api.requests.some((q) => q.method === 'DELETE' && q.path.endsWith('/deployments/cleaned-up')),
      'the other test made and removed its Deployment',
    );
  });

  it('without --json: the summary names the test and what it left', async () => {
    const r = await run();
    assert.match(r.stderr, /Leak check: 1 test left objects in the cluster:/, r.stderr);
    assert.match(
      r.stderr,
      /^ {2}\S*test_cluster_leftovers\.py::test_leaves_a_deployment: left Deployment default\/model-left in the cluster$/m,
      r.stderr,
    );
    assert.doesNotMatch(r.stderr, /cleaned-up|pynode in the cluster/, r.stderr);
  });
});
