import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, Views } from '../../src/ids';
import type { ExtensionApi } from '../../src/extension';
import type { CheckResult } from '../../src/core/doctor/types';
import type { CodespaceNode } from '../../src/doctor/codespaceView';
import { FakeKubeApi } from '../kube/fakeApiServer';
import { KubeconfigFiles } from '../kube/kubeconfig';
import { activateExtension, waitFor } from './helpers';
import { foreignProcess, freePort, migrate, setSetting, workspaceDir } from './djangoHelpers';
import { parseSettingsText, settingsTextWith } from '../../src/core/settingsFile';
import type { PythonSettingsChange } from '../../src/doctor/pythonTestsFix';
import { screenshot } from './screenshots';
import { item } from './testExplorerHelpers';
import { pointsAtCodespace } from '../../src/core/doctor/unreachable';

describe('Check Codespace: the doctor in VS Code, against the fixture and the Kubernetes stand-in', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let kube: FakeKubeApi;
  let port: number;
  const temp = mkdtempSync(join(tmpdir(), 'cit-host-doctor-'));
  const cleanup: (() => unknown)[] = [];

  before(async () => {
    ({ api } = await activateExtension());
    kube = await FakeKubeApi.start();
    kube.addNode('minikube');
    kube.addPod('default', 'pynode-0', { labels: { app: 'pynode' } });
    kube.addDeployment('models', 'model-llama', { labels: { app: 'model-deployment' } });
    port = await freePort();
    await migrate();
    await setSetting('django.port', port);
    await setSetting('kube.kubeconfig', kube.writeKubeconfig());
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  after(async () => {
    await setSetting('kube.kubeconfig', undefined);
    await setSetting('django.port', undefined);
    await kube.close();
    rmSync(temp, { recursive: true, force: true });
  });

  /** Runs the command as the palette does, and returns what the view then shows. */
  async function checkCodespace(): Promise<CheckResult[]> {
    const results = await vscode.commands.executeCommand<CheckResult[]>(Commands.checkCodespace);
    const state = api.doctor.view.state;
    assert.strictEqual(state.kind, 'done');
    assert.deepStrictEqual(
      state.checks.map((c) => c.id),
      results.map((c) => c.id),
    );
    return results;
  }

  const byId = (results: CheckResult[], id: string) => {
    const found = results.find((c) => c.id === id);
    assert.ok(found, id);
    return found;
  };

  /** The view's row of a check and its fix row, as the tree shows them. */
  function rows(id: string): {
    check: vscode.TreeItem;
    fix: vscode.TreeItem | undefined;
    fixNode?: CodespaceNode;
  } {
    const node = api.doctor.view.getChildren().find((n) => n.kind === 'check' && n.check.id === id);
    assert.ok(node, `a row for ${id}`);
    const [fixNode] = api.doctor.view.getChildren(node);
    return {
      check: api.doctor.view.getTreeItem(node),
      fix: fixNode && api.doctor.view.getTreeItem(fixNode),
      fixNode,
    };
  }

  it('the Codespace view shows one row per check; a missing pynode is a failed row with its fix under it', async () => {
    await setSetting('doctor.pynodeSelector', 'app=pynode-of-baseten');
    cleanup.push(() => setSetting('doctor.pynodeSelector', undefined));
    const results = await checkCodespace();
    assert.strictEqual(
      byId(results, 'cluster.reachable').status,
      'ok',
      byId(results, 'cluster.reachable').message,
    );
    assert.strictEqual(byId(results, 'cluster.pynode').status, 'fail');
    const { check, fix } = rows('cluster.pynode');
    assert.strictEqual(check.label, 'Pynode Running and Ready');
    assert.strictEqual((check.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(String(check.description), /No pod has the label app=pynode-of-baseten/);
    assert.match(String(fix?.label), /^Fix: Create the baseten user/);
    assert.strictEqual(api.doctor.view.view.badge?.value, results.filter((r) => r.status === 'fail').length);
    // The view as a person sees it: the failing row, its fix under it (kept in .artifacts/host/).
    await vscode.commands.executeCommand(`${Views.codespace}.focus`);
    await screenshot(
      'codespace-view-failing-check',
      15_000,
      '.monaco-list-row[aria-label*="Pynode Running and Ready"]',
    );
    // With the real label, the pynode row is ok and has no fix.
    await setSetting('doctor.pynodeSelector', undefined);
    const again = await checkCodespace();
    assert.strictEqual(byId(again, 'cluster.pynode').status, 'ok');
    assert.strictEqual((rows('cluster.pynode').check.iconPath as vscode.ThemeIcon).id, 'pass');
  });

  it('a cluster that never answers does not hang the doctor: reachable fails, the cluster rows are skipped', async () => {
    const sockets = new Set<Socket>();
    const hung = createServer((s) => void sockets.add(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          hung.close(() => r());
        }),
    );
    const files = new KubeconfigFiles();
    cleanup.push(() => files.remove());
    const config = files.write(
      1,
      `http://127.0.0.1:${(hung.address() as { port: number }).port}`,
      't',
      'default',
    );
    await setSetting('kube.kubeconfig', config);
    cleanup.push(() => setSetting('kube.kubeconfig', kube.writeKubeconfig()));
    const results = await checkCodespace();
    const reachable = byId(results, 'cluster.reachable');
    assert.strictEqual(reachable.status, 'fail');
    assert.match(reachable.message, /did not answer within 2 s/);
    assert.strictEqual(byId(results, 'cluster.pynode').status, 'skip');
    assert.strictEqual(rows('cluster.reachable').fix?.label, 'Fix: Start the cluster: minikube start.');
  });

  it('unapplied migrations fail; the fix button runs migrate in a terminal, and once it has ended the view checks again by itself', async () => {
    const db = join(temp, 'unmigrated.sqlite3');
    await setSetting('django.env', { DJANGO_DB_PATH: db });
    cleanup.push(() => setSetting('django.env', undefined));
    let results = await checkCodespace();
    assert.strictEqual(byId(results, 'django.migrations').status, 'fail');
    const { fix, fixNode } = rows('django.migrations');
    assert.match(String(fix?.label), /^Fix: Run .*manage\.py migrate\.$/);
    assert.strictEqual(fix?.command?.command, Commands.applyCodespaceFix);
    // The fix's terminal gets Django's environment from the settings (here: the database file).
    assert.deepStrictEqual(fixNode?.kind === 'fix' && fixNode.check.fix?.args?.[2], { DJANGO_DB_PATH: db });
    const before = vscode.window.terminals.length;
    // Nobody asks again: once migrate has ended in the terminal, the doctor checks by itself.
    const rechecked = new Promise<CheckResult[]>((resolve) => {
      const sub = api.doctor.onDidCheck((checks) => {
        sub.dispose();
        resolve(checks);
      });
      cleanup.push(() => sub.dispose());
    });
    await vscode.commands.executeCommand(Commands.applyCodespaceFix, fixNode);
    await waitFor('the fix terminal', () => vscode.window.terminals.length > before);
    const terminal = vscode.window.terminals.find((t) => t.name === 'Codespace fix');
    assert.ok(terminal, 'a terminal named "Codespace fix"');
    cleanup.push(() => terminal.dispose());
    let timer: NodeJS.Timeout | undefined;
    results = await Promise.race([
      rechecked,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no check ran by itself within 60 s of the fix')), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    assert.strictEqual(byId(results, 'django.migrations').status, 'ok');
    const state = api.doctor.view.state;
    assert.strictEqual(state.kind === 'done' && byId(state.checks, 'django.migrations').status, 'ok');
  });

  it("a stray process on Django's port: the row names its pid and command line, its fix is kill <pid>", async () => {
    const stray = await foreignProcess(['-m', 'http.server', String(port), '--bind', '127.0.0.1'], port);
    cleanup.push(() => stray.stop());
    const results = await checkCodespace();
    const p = byId(results, 'django.port');
    assert.strictEqual(p.status, 'fail');
    assert.match(p.message, new RegExp(`pid ${stray.pid} \\(/usr/bin/python3 -m http.server ${port}`));
    assert.deepStrictEqual(p.fix?.args?.[0], `kill ${stray.pid}`);
    assert.strictEqual(rows('django.port').check.contextValue, 'codespaceCheck.fixable');
  });

  it('without a GitHub sign-in: a warning whose fix is Set GitHub Token', async () => {
    const saved = process.env.CODESPACE_TESTS_GITHUB_TOKEN;
    delete process.env.CODESPACE_TESTS_GITHUB_TOKEN;
    cleanup.push(() => {
      if (saved !== undefined) process.env.CODESPACE_TESTS_GITHUB_TOKEN = saved;
    });
    await vscode.commands.executeCommand(Commands.clearGitHubToken);
    const results = await checkCodespace();
    const s = byId(results, 'github.signIn');
    assert.strictEqual(s.status, 'warn');
    assert.strictEqual(s.fix?.command, Commands.setGitHubToken);
    assert.strictEqual((rows('github.signIn').check.iconPath as vscode.ThemeIcon).id, 'warning');
    // A token from the test host's variable counts as signed in.
    process.env.CODESPACE_TESTS_GITHUB_TOKEN = 'ghp_doctor_test_token';
    const again = await checkCodespace();
    assert.strictEqual(byId(again, 'github.signIn').status, 'ok');
    assert.ok(!JSON.stringify(again).includes('ghp_doctor_test_token'), 'the token is never shown');
    if (saved === undefined) delete process.env.CODESPACE_TESTS_GITHUB_TOKEN;
  });

  it("the Python extension's discovery also reaches the integration tests: a warning naming the files; its fix adds --ignore to pytestArgs once accepted", async () => {
    const file = join(workspaceDir(), '.vscode', 'settings.json');
    const saved = readFileSync(file, 'utf8');
    cleanup.push(async () => {
      writeFileSync(file, saved);
      await waitFor('python.testing.* gone', () => !pythonTesting().get('pytestEnabled'));
    });
    const pythonTesting = () => vscode.workspace.getConfiguration('python.testing');
    // As a team has it: the Python extension's pytest discovery on for the unit tests, run from the root.
    writeFileSync(file, settingsTextWith(saved, 'python.testing.pytestEnabled', true));
    await waitFor('python.testing.pytestEnabled read', () => pythonTesting().get('pytestEnabled') === true);
    const results = await checkCodespace();
    const row = byId(results, 'python.extensionDiscovery');
    assert.strictEqual(row.status, 'warn', row.message);
    assert.match(
      row.message,
      /also collects backend\/oracles\/tests\/integration\/test_deploy\.py, .*test_hazards\.py, .*test_pynodes\.py/,
    );
    const { check, fix, fixNode } = rows('python.extensionDiscovery');
    assert.strictEqual(check.label, 'Python extension discovery');
    assert.strictEqual((check.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.match(
      String(fix?.label),
      /^Fix: Add --ignore=backend\/oracles\/tests\/integration to python\.testing\.pytestArgs.*Or keep both/,
    );
    assert.strictEqual(fix?.command?.command, Commands.applyCodespaceFix);

    // Declined: nothing changes.
    const asked: PythonSettingsChange[] = [];
    const prompts = api.doctor.prompts;
    cleanup.push(() => (api.doctor.prompts = prompts));
    api.doctor.prompts = { acceptPythonSettingsChange: async (c) => (asked.push(c), false) };
    await vscode.commands.executeCommand(Commands.applyCodespaceFix, fixNode);
    assert.strictEqual(asked.length, 1);
    assert.deepStrictEqual(
      [asked[0].file, asked[0].before, asked[0].after],
      [file, [], ['--ignore=backend/oracles/tests/integration']],
    );
    assert.strictEqual(
      parseSettingsText(readFileSync(file, 'utf8')).values.get('python.testing.pytestArgs'),
      undefined,
    );
    // A change no fix offered is refused before anyone is asked.
    await vscode.commands.executeCommand(Commands.ignoreInPythonTests, workspaceDir(), ['-p', 'evil']);
    assert.strictEqual(asked.length, 1);

    // Accepted: the workspace settings get the --ignore, ours are kept, and the check that follows is ok.
    api.doctor.prompts = { acceptPythonSettingsChange: async (c) => (asked.push(c), true) };
    const rechecked = new Promise<CheckResult[]>((resolve) => {
      const sub = api.doctor.onDidCheck((checks) => (sub.dispose(), resolve(checks)));
      cleanup.push(() => sub.dispose());
    });
    await vscode.commands.executeCommand(Commands.applyCodespaceFix, fixNode);
    const values = parseSettingsText(readFileSync(file, 'utf8')).values;
    assert.deepStrictEqual(values.get('python.testing.pytestArgs'), [
      '--ignore=backend/oracles/tests/integration',
    ]);
    assert.strictEqual(values.get('python.testing.pytestEnabled'), true);
    assert.strictEqual(values.get('codespaceTests.django.port'), port);
    const after = byId(await rechecked, 'python.extensionDiscovery');
    assert.strictEqual(after.status, 'ok', after.message);
    assert.match(after.message, /does not collect the integration tests/);
  });

  it('a run that fails because Django cannot start: its message is one that offers Check Codespace', async () => {
    await setSetting('django.mode', 'shared');
    await setSetting('django.command', 'uv run python backend/no_such_manage.py runserver');
    cleanup.push(
      () => setSetting('django.mode', undefined),
      () => setSetting('django.command', undefined),
    );
    await api.testExplorer.settled();
    const target = item(api, 'test_deploy.py::test_health');
    const summary = await api.testExplorer.runTests([target]);
    const result = summary.itemResults.get(target.id);
    assert.strictEqual(result?.outcome, 'errored-run');
    assert.match(result.message ?? '', /^Django is not ready, so the tests did not run/);
    assert.ok(pointsAtCodespace(result.message ?? ''), 'the message is marked for Check Codespace');
  });
});
