import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { Commands } from '../../src/ids';
import { logsContext } from '../../src/core/pytest/testLogs';
import { TEST_LOGS_CONTEXT } from '../../src/testing/runReporter';
import type { RunSummary } from '../../src/testing/testRunner';
import { windowPrompts } from '../../src/django/prompts';
import { FakeKubeApi } from '../kube/fakeApiServer';
import { activateExtension, waitFor } from './helpers';
import { renderedReport } from './logViewerHelpers';
import { setSetting, workspaceDir } from './djangoHelpers';
import { integrationDir, item, itemsByNodeId } from './testExplorerHelpers';

// The fixture's own tests (suites/fixtures/teamrepo): the session's Django logs a warning through `logging` (a
// request without the API key), then the test fails; another test deploys a model (a Deployment) and leaves it.
const FILE = 'test_models.py';
const FAILS = `${FILE}::test_rejected_then_fails`;
const LEAVES = `${FILE}::test_deploys_a_model_and_forgets_it`;

/**
 * The team repository as it is (session mode, conftest untouched): a failing test carries its evidence from
 * the services: the session's own Django (teed by the plugin), a pod no one followed, the cluster's events;
 * and the leak check names what a test left in the cluster.
 */
describe('the team repository: a failure carries its evidence (session mode, conftest untouched)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let kube: FakeKubeApi;
  let ticks: NodeJS.Timeout | undefined;

  before(async () => {
    ({ api } = await activateExtension());
    api.django.prompts = {
      ...windowPrompts,
      notify: () => undefined,
      sessionPortConflict: async () => 'cancel',
    };
    api.django.mode.notice = async () => "Don't Show Again";
    kube = await FakeKubeApi.start();
    kube.addPod('default', 'pynode-1', { labels: { app: 'pynode' } });
    kube.addPod('default', 'unrelated', { labels: { app: 'other' } });
    const now = Date.now();
    kube.addEvent({
      namespace: 'default',
      involved: { kind: 'Pod', name: 'pynode-1' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container app',
      type: 'Warning',
      first: now - 60_000,
      last: now + 600_000,
      count: 3,
    });
    // The pods log all along; nobody follows them in the Pods view. Every 500 ms: the window's lines then fit
    // in the viewer's rendered rows.
    ticks = setInterval(() => {
      kube.writeLog('default', 'pynode-1', 'app', ['pynode handled a request']);
      kube.writeLog('default', 'unrelated', 'app', ['not selected']);
    }, 500);
    await setSetting('kube.kubeconfig', kube.writeKubeconfig());
    await setSetting('tests.env', { MINIKUBE_API_URL: kube.url, MINIKUBE_TOKEN: kube.token });
    await api.testExplorer.settled();
    await waitFor("the fixture's tests in the tree", () => itemsByNodeId(api).has(LEAVES));
  });
  after(async () => {
    clearInterval(ticks);
    await setSetting('kube.kubeconfig', undefined);
    await setSetting('tests.env', undefined);
    api.django.prompts = windowPrompts;
    await kube.close();
  });

  it("the failure carries the session Django's warning, a pod no one followed, and the Warning event", async () => {
    const id = FAILS;
    assert.deepStrictEqual(
      api.logStore.sources().filter((s) => s.startsWith('pod/')),
      [],
      'no pod is followed: its lines come from the failure’s own read',
    );
    const summary: RunSummary = await api.testExplorer.runTests([item(api, id)]);
    const result = summary.results.get(id);
    assert.strictEqual(result?.outcome, 'failed', summary.output.slice(-3000));
    const out = summary.output;
    // The warning Django logged through `logging`, teed from the server the conftest started (no edit).
    assert.match(out, /Rejected request to \/api\/whoami\/: missing Api-Key header/);
    assert.match(out, /\[pod\/default\/pynode-1[^\]]*\] pynode handled a request/);
    assert.match(out, /BackOff/);
    assert.doesNotMatch(out, /not selected/);
    // pytest's report comes whole, first; the evidence after it.
    assert.ok(out.indexOf('1 failed') < out.indexOf('pynode handled a request'), out.slice(-3000));
    assert.ok((result?.serviceLogLines ?? 0) > 0);
    // Show Logs for This Test: the viewer cut to the window has every source of it, the unfollowed pod and
    // the events too (VS Code hands the command a copy of the message: its contextValue travels).
    const message = new vscode.TestMessage('copy');
    message.contextValue = logsContext(TEST_LOGS_CONTEXT, result!.window!);
    await vscode.commands.executeCommand(Commands.showLogsForTest, { test: item(api, id), message });
    await renderedReport(
      api,
      (r) =>
        r.rows.some((row) => row.text.includes('pynode handled a request')) &&
        r.rows.some((row) => row.text.includes('BackOff')) &&
        r.rows.some((row) => row.text.includes('Rejected request to /api/whoami/')),
      'the Django line, the pod line and the event in the viewer',
    );
  });

  it('each result keeps its own window: Show Logs for This Test on the older result opens the older window', async () => {
    const id = FAILS;
    const [older, newer] = [
      await api.testExplorer.runTests([item(api, id)]),
      await api.testExplorer.runTests([item(api, id)]),
    ];
    const windows = [older, newer].map((r) => r.results.get(id)!.window!);
    assert.ok(windows[0].to < windows[1].from, JSON.stringify(windows));
    for (const window of [windows[0], windows[1], windows[0]]) {
      const message = new vscode.TestMessage('copy');
      message.contextValue = logsContext(TEST_LOGS_CONTEXT, window);
      await vscode.commands.executeCommand(Commands.showLogsForTest, { test: item(api, id), message });
      const scope = api.logs.viewer()!.viewerState.scope;
      assert.deepStrictEqual([scope.from, scope.to], [window.from, window.to]);
    }
  });

  it("a conftest that reads Django's output from a pipe still gets every line, and the tee forwards them too", async () => {
    const conftest = join(integrationDir(), 'conftest.py');
    const original = readFileSync(conftest, 'utf8');
    const log = join(workspaceDir(), '.django-test-server.log');
    // The conftest reads the server's pipe itself and copies what it reads into its log file.
    const piped = original
      .replace('import socket\n', 'import socket\nimport threading\n')
      .replace(
        '        stdout=log,\n        stderr=subprocess.STDOUT,\n    )\n',
        [
          '        stdout=subprocess.PIPE,',
          '        stderr=subprocess.STDOUT,',
          '    )',
          '',
          '    def _pump():',
          '        for chunk in iter(lambda: process.stdout.read1(65536), b""):',
          '            log.write(chunk.decode("utf-8", "replace"))',
          '',
          '    threading.Thread(target=_pump, daemon=True).start()',
          '',
        ].join('\n'),
      );
    assert.notStrictEqual(piped, original, 'the conftest has the expected Popen');
    writeFileSync(conftest, piped);
    rmSync(log, { force: true });
    try {
      const id = FAILS;
      const summary = await api.testExplorer.runTests([item(api, id)]);
      assert.strictEqual(summary.results.get(id)?.outcome, 'failed', summary.output.slice(-3000));
      const read = readFileSync(log, 'utf8');
      assert.match(read, /Rejected request to \/api\/whoami\/: missing Api-Key header/);
      assert.match(read, /"GET \/api\/whoami\/ HTTP\/1\.1" 401/);
      assert.match(summary.output, /Rejected request to \/api\/whoami\/: missing Api-Key header/);
    } finally {
      writeFileSync(conftest, original);
    }
  });

  it('the leak check names the Deployment a test left in the cluster', async () => {
    const id = LEAVES;
    const summary = await api.testExplorer.runTests([item(api, id)], { leaks: true });
    assert.strictEqual(summary.results.get(id)?.outcome, 'passed', summary.output.slice(-3000));
    assert.match(summary.output, /left Deployment default\/model-left-[0-9a-f]{10} in the cluster/);
  });
});
