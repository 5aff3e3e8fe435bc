import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { RunSummary } from '../../src/testing/testRunner';
import { DJANGO_SOURCE } from '../../src/core/logs/logStore';
import type { SessionPortConflict } from '../../src/core/django/sessionPort';
import { checkPort } from '../../src/core/django/portOwner';
import { windowPrompts } from '../../src/django/prompts';
import { activateExtension, waitFor } from './helpers';
import { installDebugpyStandIn } from './debugHelpers';
import { foreignProcess, pidAlive, setSetting, workspaceDir } from './djangoHelpers';
import { integrationDir, item, itemsByNodeId } from './testExplorerHelpers';

/** The outcome of one node id, with pytest's output in the message when it is not the expected one. */
function outcomeOf(summary: RunSummary, nodeid: string, expected: string): void {
  const r = summary.results.get(nodeid);
  assert.strictEqual(
    r?.outcome,
    expected,
    `${nodeid}: ${r?.message ?? 'no result'}\n${summary.problems.join('\n')}\n${summary.output.slice(-2500)}`,
  );
}

/**
 * The team's repository as it is (suites/fixtures/teamrepo): its session fixture starts Django itself on
 * the port, reads no variable of ours, and names its key command differently. Default settings, except
 * the port (run.mjs --team rewrites the conftest's constant to a free port and sets the same one here).
 */
describe('the team repository with default settings (session mode)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  const port = Number(process.env.TEAM_DJANGO_PORT);
  const notes: string[] = [];
  /** The "share one Django" notices shown (auto chose session). */
  const notices: string[] = [];
  const asked: SessionPortConflict[] = [];
  let answer: 'kill' | 'cancel' = 'cancel';

  before(async () => {
    ({ api } = await activateExtension());
    assert.ok(port > 0, 'run.mjs --team sets TEAM_DJANGO_PORT');
    api.django.prompts = {
      ...windowPrompts,
      notify: (_kind, m) => void notes.push(m),
      sessionPortConflict: async (c) => (asked.push(c), answer),
    };
    api.django.mode.notice = async (m, ...actions) => {
      notices.push(m);
      assert.ok(actions.includes("Don't Show Again"), String(actions));
      return "Don't Show Again";
    };
    await api.testExplorer.settled();
  });
  afterEach(() => {
    notes.length = 0;
    asked.length = 0;
  });
  after(async () => {
    api.django.prompts = windowPrompts;
    await api.django.stop();
  });

  it('auto chooses session: no governing conftest reads INTEGRATION_DJANGO_URL; the tooltip says so', async () => {
    const choice = await api.django.mode.choose();
    assert.strictEqual(choice.setting, 'auto');
    assert.strictEqual(choice.mode, 'session');
    assert.match(choice.reason, /no governing conftest\.py reads INTEGRATION_DJANGO_URL/);
    assert.match(choice.reason, /backend\/oracles\/tests\/integration\/conftest\.py/);
    await waitFor('the tooltip to name the mode', () =>
      /Django mode: session \(auto: /.test(api.django.statusBar.tooltip),
    );
  });

  it('runs one test: the session starts its own Django, the extension starts none and passes no variable', async () => {
    const summary = await api.testExplorer.runTests([
      item(api, 'test_deploy.py::TestDeployments::test_whoami'),
    ]);
    assert.deepStrictEqual(summary.problems, []);
    assert.strictEqual(
      summary.results.get('test_deploy.py::TestDeployments::test_whoami')?.outcome,
      'passed',
    );
    assert.strictEqual(api.django.state.kind, 'stopped', 'no managed Django');
    assert.ok(!/INTEGRATION_DJANGO_URL=/.test(summary.output));
    assert.strictEqual((await checkPort('127.0.0.1', port)).kind, 'free', 'the session stopped its Django');
  });

  it("auto chose session: one notice links to sharing one Django; Don't Show Again is kept", async () => {
    assert.strictEqual(notices.length, 1, 'shown once, at the first session run');
    assert.match(notices[0], /test session starts its own Django/);
    await waitFor('the answer to be kept', () => api.django.mode.dismissed);
  });

  it('runs a file: every test of test_pynodes.py passes', async () => {
    const summary = await api.testExplorer.runTests([item(api, 'test_pynodes.py')]);
    assert.deepStrictEqual(summary.problems, []);
    const outcomes = [...summary.results.values()].map((r) => r.outcome);
    assert.ok(outcomes.length >= 3, String(outcomes));
    assert.ok(
      outcomes.every((o) => o === 'passed'),
      String(outcomes),
    );
  });

  it('our own Django on the port is stopped before the run, and we say so', async () => {
    const ready = await api.django.start();
    assert.strictEqual(ready.url, `http://127.0.0.1:${port}`);
    assert.strictEqual(ready.apiKey, undefined, 'no key is fetched in session mode');
    assert.strictEqual(ready.apiKeyFailure, undefined, 'the placeholder key command is not even run');
    const summary = await api.testExplorer.runTests([item(api, 'test_deploy.py::test_health')]);
    outcomeOf(summary, 'test_deploy.py::test_health', 'passed');
    assert.strictEqual(asked.length, 0, 'our own server is not a conflict');
    assert.ok(
      notes.some((n) => /Stopped the managed Django: in session mode/.test(n)),
      notes.join('\n'),
    );
    // The health probes closed their own connections, even through VS Code's proxy support: no minute's wait.
    assert.ok(!notes.some((n) => /TIME_WAIT/.test(n)), notes.join('\n'));
    assert.strictEqual(api.django.state.kind, 'stopped');
  });

  it('a stray runserver on the port: Cancel names it (pid, command line) and the run does not start', async () => {
    const stray = await foreignProcess(
      ['backend/manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
      port,
    );
    try {
      answer = 'cancel';
      const summary = await api.testExplorer.runTests([item(api, 'test_deploy.py::test_health')]);
      assert.strictEqual(asked.length, 1);
      assert.strictEqual(asked[0].port, port);
      assert.match(asked[0].owner?.commandLine ?? '', /manage\.py runserver/);
      assert.match(
        summary.problems[0] ?? '',
        new RegExp(`The tests did not run: port ${port} is in use by pid \\d+`),
      );
      assert.strictEqual(summary.results.size, 0, 'pytest never started');
      assert.strictEqual(
        summary.itemResults.get(item(api, 'test_deploy.py::test_health').id)?.outcome,
        'errored-run',
      );
      assert.ok(pidAlive(stray.pid!), 'Cancel leaves it alone');
    } finally {
      await stray.stop();
    }
  });

  it('a stray runserver on the port: Kill It ends it and the test passes', async () => {
    const stray = await foreignProcess(
      ['backend/manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
      port,
    );
    answer = 'kill';
    const summary = await api.testExplorer.runTests([item(api, 'test_deploy.py::test_health')]);
    await stray.stopped;
    assert.strictEqual(asked.length, 1);
    outcomeOf(summary, 'test_deploy.py::test_health', 'passed');
    assert.ok(!pidAlive(stray.pid!));
  });

  it("django.logFile: the session's Django lines reach the log store and a failed test's log window", async () => {
    const probe = join(integrationDir(), 'test_team_probe.py');
    writeFileSync(
      probe,
      [
        'def test_whoami_then_fails(api):',
        '    assert api.get("/api/whoami/").status_code == 200',
        '    assert False, "fails after talking to Django"',
        '',
      ].join('\n'),
    );
    await waitFor('the probe in the tree', () =>
      itemsByNodeId(api).has('test_team_probe.py::test_whoami_then_fails'),
    );
    await setSetting('django.logFile', '.django-test-server.log');
    try {
      await waitFor('the log file to be followed', () =>
        api.django.logFile?.path?.endsWith('.django-test-server.log'),
      );
      const summary = await api.testExplorer.runTests([
        item(api, 'test_team_probe.py::test_whoami_then_fails'),
      ]);
      outcomeOf(summary, 'test_team_probe.py::test_whoami_then_fails', 'failed');
      const result = summary.results.get('test_team_probe.py::test_whoami_then_fails');
      const django = api.logStore.query({ sources: [DJANGO_SOURCE] }).map((l) => l.text);
      assert.ok(
        django.some((t) => t.includes('GET /api/whoami/')),
        django.slice(-5).join('\n'),
      );
      assert.ok((result?.serviceLogLines ?? 0) > 0, 'the log window of the failed test has Django lines');
      assert.ok(readFileSync(join(workspaceDir(), '.django-test-server.log'), 'utf8').includes('whoami'));
    } finally {
      await setSetting('django.logFile', undefined);
      rmSync(probe, { force: true });
    }
  });

  it("debugs a test with the project's .venv interpreter, and it passes", async () => {
    const uninstall = await installDebugpyStandIn(
      vscode.extensions.getExtension('codespace-tools.codespace-integration-tests')!.extensionPath,
    );
    // The session's conftest starts Python children (migrate, runserver). debugpy follows children by default,
    // which the real Python Debugger extension attaches; the stand-in adapter does not, so they would wait.
    await setSetting('debug.launchProperties', { subProcess: false });
    try {
      const sessions: vscode.DebugConfiguration[] = [];
      const sub = vscode.debug.onDidStartDebugSession((s) => sessions.push(s.configuration));
      const profile = api.debug.testProfiles()[0];
      const target = item(api, 'test_deploy.py::test_health');
      const cts = new vscode.CancellationTokenSource();
      await profile.runHandler(new vscode.TestRunRequest([target], undefined, profile), cts.token);
      sub.dispose();
      const last = api.debug.testResults[api.debug.testResults.length - 1];
      assert.strictEqual(last.kind, 'ran');
      if (last.kind !== 'ran') return;
      const health = last.summary.results.get('test_deploy.py::test_health');
      assert.strictEqual(
        health?.outcome,
        'passed',
        `${health?.message}\n${last.summary.problems.join('\n')}\n${last.summary.output.slice(-3000)}`,
      );
      const launch = sessions.find((c) => c.module === 'pytest');
      assert.strictEqual(launch?.python, join(workspaceDir(), '.venv/bin/python'));
      assert.ok(!('INTEGRATION_DJANGO_URL' in (launch?.env ?? {})));
    } finally {
      await setSetting('debug.launchProperties', undefined);
      await uninstall();
    }
  });
});
