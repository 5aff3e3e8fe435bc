import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { ExtensionApi } from '../../src/extension';
import { Commands } from '../../src/ids';
import { logsContext } from '../../src/core/pytest/testLogs';
import { TEST_LOGS_CONTEXT } from '../../src/testing/runReporter';
import type { RunSummary } from '../../src/testing/testRunner';
import { activateExtension, waitFor } from './helpers';
import {
  integrationDir,
  item,
  itemsByNodeId,
  removeTestFiles,
  setFolderSetting,
  useFixtureSettings,
  writeTestFile,
} from './testExplorerHelpers';

const PROBE = 'test_rerun_probe.py';
const WATCHED = 'test_continuous_probe.py';
const STDERR_PROBE = 'test_stderr_probe.py';

describe('Test Explorer: rerun failed tests and continuous runs (real pytest)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  const fixtureEnv = useFixtureSettings(() => api);
  after(() => removeTestFiles(api, PROBE, WATCHED, STDERR_PROBE));

  /** Collects the runs that finish while `body` runs (whoever started them). */
  async function runsDuring<T>(body: () => PromiseLike<T>): Promise<{ value: T; runs: RunSummary[] }> {
    const runs: RunSummary[] = [];
    const sub = api.testExplorer.onDidFinishRun((s) => runs.push(s));
    try {
      return { value: await body(), runs };
    } finally {
      sub.dispose();
    }
  }
  const outcomes = (s: RunSummary) => [...s.results].map(([id, r]) => `${id} ${r.outcome}`).sort();

  it('"Rerun failed tests" runs exactly the tests that failed, cases included', async () => {
    await writeTestFile(
      api,
      PROBE,
      [
        'import os',
        'import pytest',
        '',
        'def test_passes():',
        '    pass',
        '',
        '@pytest.mark.parametrize("n", [1, 2])',
        'def test_case(n):',
        '    assert n == 1 or os.environ.get("FAIL_ON_DEMAND", "0") == "0", "case 2 fails on demand"',
        '',
      ].join('\n'),
      `${PROBE}::test_case[2]`,
    );
    await setFolderSetting('tests.env', { ...fixtureEnv(), FAIL_ON_DEMAND: '1' });
    const first = await api.testExplorer.runTests([
      item(api, PROBE),
      item(api, 'test_deploy.py::test_fails_on_demand'),
      item(api, 'test_deploy.py::test_model_sizes'),
    ]);
    assert.deepStrictEqual(
      outcomes(first).filter((o) => o.endsWith(' failed')),
      ['test_deploy.py::test_fails_on_demand failed', `${PROBE}::test_case[2] failed`],
    );
    assert.strictEqual(first.results.size, 7, 'the first run ran every selected test');

    const rerun = await runsDuring(() => vscode.commands.executeCommand<RunSummary[]>(Commands.rerunFailed));
    assert.strictEqual(rerun.runs.length, 1, 'one run for the one folder with failures');
    assert.deepStrictEqual(outcomes(rerun.runs[0]), [
      'test_deploy.py::test_fails_on_demand failed',
      `${PROBE}::test_case[2] failed`,
    ]);
    assert.deepStrictEqual(
      rerun.value.map(outcomes),
      [outcomes(rerun.runs[0])],
      'the command returns that run',
    );

    // Fixed: the rerun passes, and then there is nothing left to rerun.
    await setFolderSetting('tests.env', fixtureEnv());
    const fixed = await vscode.commands.executeCommand<RunSummary[]>(Commands.rerunFailed);
    assert.deepStrictEqual(fixed.map(outcomes), [
      ['test_deploy.py::test_fails_on_demand passed', `${PROBE}::test_case[2] passed`],
    ]);
    const nothing = await runsDuring(() =>
      vscode.commands.executeCommand<RunSummary[]>(Commands.rerunFailed),
    );
    assert.deepStrictEqual(nothing.value, []);
    assert.deepStrictEqual(nothing.runs, [], 'no run is started when nothing failed');
  });

  it("a failure that wrote to stderr: pytest's report whole, then ours, no line twice; each result opens its own window", async () => {
    const nodeid = `${STDERR_PROBE}::test_writes_then_fails`;
    await writeTestFile(
      api,
      STDERR_PROBE,
      [
        'import sys',
        '',
        'def helper():',
        '    raise ValueError("deep down")',
        '',
        'def test_writes_then_fails():',
        '    print("stderr probe line", file=sys.stderr)',
        '    helper()',
        '',
      ].join('\n'),
      nodeid,
    );
    const first = await api.testExplorer.runTests([item(api, nodeid)]);
    const second = await api.testExplorer.runTests([item(api, nodeid)]);
    for (const run of [first, second]) {
      assert.strictEqual(run.results.get(nodeid)?.outcome, 'failed', run.output.slice(-2000));
      const out = stripVTControlCharacters(run.output);
      const report = out.indexOf('FAILURES');
      const reportEnd = out.search(/=+ 1 failed in [^\n]*\n/);
      const ours = out.indexOf('── logs while');
      assert.ok(report >= 0 && reportEnd > report, out);
      assert.ok(ours > reportEnd, `our additions after pytest's report:\n${out}`);
      assert.match(
        out.slice(report, reportEnd),
        /deep down[\s\S]*Captured stderr call/,
        'the traceback whole',
      );
      assert.strictEqual(
        out.split('\n').filter((l) => l.trim() === 'stderr probe line').length,
        1,
        `the stderr line once (pytest's Captured stderr call):\n${out}`,
      );
    }
    // VS Code hands the command a copy of the message: its contextValue is what travels.
    const windows = [first, second].map((r) => r.results.get(nodeid)!.window!);
    assert.ok(windows[0].to < windows[1].from, JSON.stringify(windows));
    for (const window of [windows[0], windows[1], windows[0]]) {
      const message = new vscode.TestMessage('copy');
      message.contextValue = logsContext(TEST_LOGS_CONTEXT, window);
      await vscode.commands.executeCommand(Commands.showLogsForTest, { test: item(api, nodeid), message });
      const scope = api.logs.viewer()!.viewerState.scope;
      assert.deepStrictEqual([scope.from, scope.to], [window.from, window.to]);
    }
  });

  it('a continuous run on a file runs it again each time it is saved, until it ends', async () => {
    const path = await writeTestFile(api, WATCHED, 'def test_one():\n    pass\n', `${WATCHED}::test_one`);
    const fileItem = item(api, WATCHED);
    const profile = api.testExplorer.runProfileFor(fileItem);
    const cts = new vscode.CancellationTokenSource();
    const runs: RunSummary[] = [];
    const sub = api.testExplorer.onDidFinishRun((s) => runs.push(s));
    // As VS Code calls it when a person turns on continuous run for the file.
    const continuous = profile.runHandler(
      new vscode.TestRunRequest([fileItem], undefined, profile, true),
      cts.token,
    );
    try {
      const doc = await vscode.workspace.openTextDocument(path);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, '\n\ndef test_two():\n    pass\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await doc.save());
      const run = await waitFor('a run after the save', () => runs.find((r) => r.continuous), 60_000);
      assert.deepStrictEqual(outcomes(run), [`${WATCHED}::test_one passed`, `${WATCHED}::test_two passed`]);
      assert.deepStrictEqual(run.problems, []);

      // Other files do not start it: only the watched file's tests ran.
      assert.ok(runs.every((r) => [...r.results.keys()].every((id) => id.startsWith(WATCHED))));
    } finally {
      cts.cancel();
      sub.dispose();
    }
    let ended = false;
    void Promise.resolve(continuous).then(() => (ended = true));
    await waitFor('the continuous run to end once cancelled', () => ended);
    // Once ended, a save updates the tree but starts no run. A continuous run starts its run in the same
    // turn as the folder announces the changed file (watchAndRun), so watching for test runs being
    // created until that announcement has been handled is enough: no need to wait for a run to finish.
    const folder = api.testExplorer.folderTests()[0];
    const controller = folder.controller;
    const createTestRun = controller.createTestRun;
    const created: vscode.TestRunRequest[] = [];
    controller.createTestRun = (request, ...rest) => {
      created.push(request);
      return createTestRun.call(controller, request, ...rest);
    };
    let announced = false;
    const announcement = folder.onFilesChanged((paths) => {
      if (paths.some((p) => p.endsWith(WATCHED))) announced = true;
    });
    try {
      const doc = await vscode.workspace.openTextDocument(join(integrationDir(), WATCHED));
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, '\n\ndef test_three():\n    pass\n');
      await vscode.workspace.applyEdit(edit);
      await doc.save();
      await waitFor('the save announced to the folder', () => announced);
      await waitFor('test_three in the tree', () => itemsByNodeId(api).has(`${WATCHED}::test_three`));
      // The listeners called before ours have finished what they start in that turn.
      await new Promise((r) => setImmediate(r));
    } finally {
      announcement.dispose();
      controller.createTestRun = createTestRun;
    }
    assert.deepStrictEqual(created, [], 'no test run was created for the save');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
