import * as assert from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ChildProcess } from '../../../src/core/process/childProcess';
import { checkPort } from '../../../src/core/django/portOwner';
import { runDoctor } from '../../../src/core/doctor/runner';
import { testChecks } from '../../../src/core/doctor/testChecks';
import { SETTING_DEFAULTS } from '../../../src/core/settingDefaults';
import { doctorSettingsFrom } from '../../../src/core/doctor/settings';
import { settingsFrom } from '../../../src/core/settings';
import type { CheckResult, DoctorSettings } from '../../../src/core/doctor/types';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { KubeconfigFiles } from '../../kube/kubeconfig';
import { FixtureCopy, freePort, SYSTEM_PYTHON } from '../django/djangoFixture';
import { silentLogger } from '../../../src/core/logger';
import { runCli, waitUntil } from '../support';
import { pytestCollect } from '../pytest/pytestHelpers';

const INI = 'backend/oracles/tests/integration/pytest.ini';

/** The fixture's settings as the extension reads them, pointed at a stand-in cluster and a free port. */
function settingsFor(
  copy: FixtureCopy,
  port: number,
  kubeconfig: string,
  over: Partial<DoctorSettings> = {},
) {
  const values: Record<string, unknown> = {
    'django.port': port,
    'django.env': { DJANGO_DB_PATH: copy.db },
    'kube.kubeconfig': kubeconfig,
  };
  const get = settingsFrom((key) => values[key], copy.dir);
  return { ...doctorSettingsFrom(get, copy.dir, SYSTEM_PYTHON), ...over };
}

function byId(results: CheckResult[], id: string): CheckResult {
  const r = results.find((c) => c.id === id);
  assert.ok(r, `a check ${id} among ${results.map((c) => c.id).join(', ')}`);
  return r;
}

describe('doctor: the checks against the fixture codespace and the Kubernetes stand-in', function () {
  this.timeout(120_000);
  let copy: FixtureCopy;
  let kube: FakeKubeApi;
  let kubeconfig: string;
  let port: number;

  before(async () => {
    copy = new FixtureCopy();
    kube = await FakeKubeApi.start();
    kubeconfig = kube.writeKubeconfig();
    kube.addNode('minikube');
    kube.addPod('default', 'pynode-7d9f8b6c4-x2kqp', { labels: { app: 'pynode' } });
    kube.addDeployment('models', 'model-llama', { labels: { app: 'model-deployment' }, replicas: 1 });
    kube.addPod('monitoring', 'vmsingle-0', {
      labels: { 'app.kubernetes.io/name': 'victoria-metrics-single' },
    });
    port = await freePort();
  });

  after(async () => {
    await kube.close();
    copy.remove();
  });

  const doctor = (over: Partial<DoctorSettings> = {}, opts: Partial<Parameters<typeof runDoctor>[0]> = {}) =>
    runDoctor({
      settings: settingsFor(copy, port, kubeconfig, over),
      logger: silentLogger,
      inis: [join(copy.dir, INI)],
      ...opts,
    });

  it('unapplied migrations fail, with the migrate command as the fix', async () => {
    const results = await doctor();
    const m = byId(results, 'django.migrations');
    assert.strictEqual(m.status, 'fail', m.message);
    assert.match(m.message, /unapplied migrations/);
    assert.strictEqual(m.fix?.command, 'codespaceTests.doctor.runInTerminal');
    assert.match(String(m.fix?.args?.[0]), /manage\.py migrate$/);
  });

  it('a healthy codespace: Python, Django, the key (never shown), the cluster, its pynode and models', async () => {
    await copy.migrate();
    const results = await doctor();
    const failed = results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.message}`);
    assert.deepStrictEqual(failed, []);
    for (const id of [
      'python.testCommand',
      'python.packages',
      'django.migrations',
      'django.port',
      'django.mode',
      'django.apiKey',
      'cluster.config',
      'cluster.reachable',
      'cluster.nodes',
      'cluster.pynode',
      'cluster.models',
      'github.workflow',
    ])
      assert.strictEqual(byId(results, id).status, 'ok', `${id}: ${byId(results, id).message}`);
    assert.match(byId(results, 'python.testCommand').message, /uv is not on PATH/);
    assert.match(byId(results, 'python.packages').message, /Django \d+\.\d+.* and pytest \d+/);
    assert.strictEqual(
      byId(results, 'python.coverage').status,
      'ok',
      byId(results, 'python.coverage').message,
    );
    assert.match(byId(results, 'python.coverage').message, /^coverage\.py \d+\.\d+/);
    assert.match(
      byId(results, 'django.mode').message,
      /^shared: auto: .*conftest\.py reads INTEGRATION_DJANGO_URL/,
    );
    assert.match(
      byId(results, 'cluster.pynode').message,
      /default\/pynode-7d9f8b6c4-x2kqp \(Running · 1\/1 ready\)/,
    );
    // Present in the stand-in: ok; absent: reported as expected, not failed.
    assert.strictEqual(byId(results, 'cluster.lacks.victoria-metrics').status, 'ok');
    const knative = byId(results, 'cluster.lacks.knative-custom-fork');
    assert.strictEqual(knative.status, 'skip');
    assert.match(knative.message, /Not in this cluster, expected locally/);
    // The key itself appears nowhere in what the doctor reports.
    const key = await apiKeyOf(copy);
    assert.ok(key.length > 8);
    assert.ok(!JSON.stringify(results).includes(key), 'the API key is not in the results');
    assert.match(byId(results, 'django.apiKey').message, /printed a key \(not shown\)/);
  });

  it('with uv on PATH, the test command and the imports go through uv', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'cit-uv-'));
    // A stand-in uv: `uv run <program> args…` runs the program with the system Python's packages.
    writeFileSync(
      join(bin, 'uv'),
      `#!/bin/sh\n[ "$1" = run ] && shift\n[ "$1" = python ] && shift && exec ${SYSTEM_PYTHON} "$@"\nexec ${SYSTEM_PYTHON} -m "$@"\n`,
    );
    chmodSync(join(bin, 'uv'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path}`;
    try {
      const results = await doctor();
      assert.match(
        byId(results, 'python.testCommand').message,
        new RegExp(`"uv run pytest" with uv at ${bin}/uv`),
      );
      assert.strictEqual(
        byId(results, 'python.packages').status,
        'ok',
        byId(results, 'python.packages').message,
      );
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('a Python whose import coverage fails: a warning naming the command that adds it, as its fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cit-nocov-'));
    mkdirSync(join(dir, 'coverage'));
    writeFileSync(join(dir, 'coverage/__init__.py'), 'raise ImportError("No module named \'coverage\'")\n');
    const python = join(dir, 'python');
    writeFileSync(python, `#!/bin/sh\nPYTHONPATH=${dir} exec ${SYSTEM_PYTHON} "$@"\n`);
    chmodSync(python, 0o755);
    try {
      const c = byId(await doctor({ interpreter: python, testCommand: 'uv run pytest' }), 'python.coverage');
      assert.strictEqual(c.status, 'warn', c.message);
      assert.match(c.message, /coverage\.py is not installed in the tests' Python/);
      assert.strictEqual(c.fix?.command, 'codespaceTests.doctor.runInTerminal');
      assert.strictEqual(c.fix?.args?.[0], `${python} -m pip install coverage`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a Python without Django fails the import check and names the interpreter setting', async () => {
    const results = await doctor({ interpreter: '/bin/sh-does-not-exist', testCommand: 'uv run pytest' });
    const t = byId(results, 'python.testCommand');
    assert.strictEqual(t.status, 'fail');
    assert.match(t.message, /sh-does-not-exist" was not found/);
    assert.deepStrictEqual(t.fix?.args, ['codespaceTests.python.interpreter']);
    assert.strictEqual(byId(results, 'python.packages').status, 'fail');
  });

  it('a missing pynode fails, and so does one that is not Ready', async () => {
    let results = await doctor({ pynodeSelector: 'app=pynode-of-nobody' });
    let p = byId(results, 'cluster.pynode');
    assert.strictEqual(p.status, 'fail');
    assert.match(p.message, /No pod has the label app=pynode-of-nobody/);
    assert.match(p.fix?.text ?? '', /baseten user/);
    kube.addPod('default', 'pynode-crashing', { labels: { app: 'pynode-crashing' } });
    kube.setPodReady('default', 'pynode-crashing', false);
    results = await doctor({ pynodeSelector: 'app=pynode-crashing' });
    p = byId(results, 'cluster.pynode');
    assert.strictEqual(p.status, 'fail');
    assert.match(p.message, /not Running and Ready: default\/pynode-crashing \(Running · 0\/1 ready\)/);
  });

  it('a node that is not Ready and a model deployment without ready replicas fail', async () => {
    kube.addNode('worker-2', false);
    kube.addDeployment('models', 'model-slow', {
      labels: { app: 'model-slow' },
      replicas: 2,
      readyReplicas: 1,
    });
    try {
      const results = await doctor({ modelSelector: 'app=model-slow' });
      assert.strictEqual(byId(results, 'cluster.nodes').status, 'fail');
      assert.match(byId(results, 'cluster.nodes').message, /Not Ready: worker-2 \(1 of 2 Ready\)/);
      assert.match(byId(results, 'cluster.models').message, /models\/model-slow \(1\/2\)/);
    } finally {
      kube.addNode('worker-2', true);
    }
  });

  it('a cluster that accepts connections and never answers: cut at the time limit, reachable fails and the rest is skipped', async () => {
    const silent = await blackHole();
    const files = new KubeconfigFiles();
    try {
      const dead = files.write(1, `http://127.0.0.1:${silent.port}`, 'token', 'default');
      const results = await doctor({ kubeconfig: dead }, { networkLimitMs: 300 });
      const r = byId(results, 'cluster.reachable');
      assert.strictEqual(r.status, 'fail');
      assert.match(r.message, /did not answer within 0\.3 s/);
      assert.strictEqual(r.fix?.args?.[0], 'minikube start');
      for (const id of ['cluster.nodes', 'cluster.pynode', 'cluster.models'])
        assert.strictEqual(byId(results, id).status, 'skip', id);
    } finally {
      files.remove();
      await silent.close();
    }
  });

  it('a cluster that refuses connections fails reachable at once', async () => {
    const files = new KubeconfigFiles();
    try {
      const refused = files.write(1, `http://127.0.0.1:${await freePort()}`, 'token', 'default');
      const results = await doctor({ kubeconfig: refused });
      assert.match(byId(results, 'cluster.reachable').message, /Cannot reach the cluster.*ECONNREFUSED/);
    } finally {
      files.remove();
    }
  });

  it('no kubeconfig: the config check fails with minikube start; the cluster checks are skipped', async () => {
    const results = await doctor({ kubeconfig: join(copy.dir, 'no-such-kubeconfig') });
    assert.strictEqual(byId(results, 'cluster.config').status, 'fail');
    assert.strictEqual(byId(results, 'cluster.reachable').status, 'skip');
    assert.strictEqual(byId(results, 'cluster.pynode').status, 'skip');
  });

  it("a stray process on Django's port: fail naming its pid and command line; the managed server is ok", async () => {
    const stray = new ChildProcess({
      command: SYSTEM_PYTHON,
      args: ['-m', 'http.server', String(port), '--bind', '127.0.0.1'],
      cwd: copy.dir,
    });
    try {
      await waitUntil(async () => (await checkPort('127.0.0.1', port)).kind === 'busy', 10_000);
      let results = await doctor();
      const p = byId(results, 'django.port');
      assert.strictEqual(p.status, 'fail');
      assert.match(
        p.message,
        new RegExp(`in use by pid ${stray.pid} \\(${SYSTEM_PYTHON} -m http.server ${port}`),
      );
      assert.deepStrictEqual(p.fix?.args?.[0], `kill ${stray.pid}`);
      results = await doctor({}, { isManagedServer: (o) => o.pid === stray.pid });
      assert.match(byId(results, 'django.port').message, /held by the managed Django/);
    } finally {
      await stray.stop();
    }
  });

  it('no GitHub sign-in is a warning with Set GitHub Token as the fix; a sign-in is ok', async () => {
    let results = await doctor();
    const s = byId(results, 'github.signIn');
    assert.strictEqual(s.status, 'warn');
    assert.strictEqual(s.fix?.command, 'codespaceTests.ci.setToken');
    results = await doctor({}, { githubSignIn: async () => ({ source: 'session' }) });
    assert.strictEqual(byId(results, 'github.signIn').status, 'ok');
  });

  it('tests.needsComponent: one row naming the marked tests by part; ok when no test has such a marker', async () => {
    const row = async (needsComponent: Record<string, string>) =>
      byId(await doctor({ needsComponent }, { groups: [testChecks] }), 'tests.needsComponent');
    const none = await row(SETTING_DEFAULTS['tests.needsComponent']);
    assert.strictEqual(none.status, 'ok', none.message);
    assert.match(
      none.message,
      /No test has a marker of codespaceTests\.tests\.needsComponent \(victoria_metrics, knative, kube_events\)/,
    );
    // The fixture marks test_unique_names_differ `smoke`, and many tests `integration`: as many as pytest -m selects.
    const integration = pytestCollect(join(copy.dir, 'backend/oracles/tests/integration'), [
      '-m',
      'integration',
    ]);
    assert.ok(integration.length > 4);
    const found = await row({ smoke: 'the smoke rig', integration: 'Knative (custom fork)' });
    assert.strictEqual(found.status, 'skip', found.message);
    assert.match(
      found.message,
      new RegExp(`^${integration.length + 1} test\\(s\\) need a part the local cluster lacks`),
    );
    assert.match(
      found.message,
      /the smoke rig: 1 test\(s\), backend\/oracles\/tests\/integration\/test_pynodes\.py::test_unique_names_differ[;.]/,
    );
    assert.ok(
      found.message.includes(`Knative (custom fork): ${integration.length} test(s), `) &&
        found.message.includes(` and ${integration.length - 4} more`),
      found.message,
    );
    assert.match(found.fix?.text ?? '', /needs-component tag/);
    assert.strictEqual((await row({})).status, 'ok');
  });

  it('codespace-tests doctor --json prints every check and exits 1 on a failure', async () => {
    const run = await runCli(['doctor', '--json', '--workspace', copy.dir], {
      env: { ...process.env, KUBECONFIG: join(copy.dir, 'none') },
    });
    const json = JSON.parse(run.stdout) as {
      checks: { id: string; status: string; message: string; fix: unknown }[];
    };
    assert.strictEqual(run.code, 1);
    const config = json.checks.find((c) => c.id === 'cluster.config');
    assert.strictEqual(config?.status, 'fail');
    assert.deepStrictEqual(Object.keys(json.checks[0]), ['id', 'status', 'message', 'fix']);
  });
});

/** The key the fixture's command prints (read here only to prove the doctor never shows it). */
async function apiKeyOf(copy: FixtureCopy): Promise<string> {
  const { runToEnd } = await import('../../../src/core/process/childProcess');
  const r = await runToEnd({
    command: SYSTEM_PYTHON,
    args: ['backend/manage.py', 'print_api_key', 'baseten'],
    cwd: copy.dir,
    env: { ...process.env, DJANGO_DB_PATH: copy.db },
  });
  return r.stdout.trim().split('\n').pop() ?? '';
}

/** A server that accepts connections and never answers: a cluster that is hung, not down. */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
