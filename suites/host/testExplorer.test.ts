import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtensionApi } from '../../src/extension';
import { activateExtension, fixtureFolder, waitFor } from './helpers';
import {
  alive,
  integrationDir,
  item,
  itemsByNodeId,
  leafNodeIds,
  processesMentioning,
  pytestCollectedIds,
  setFolderSetting,
  useFixtureSettings,
} from './testExplorerHelpers';

describe('Test Explorer in the fixture codespace (real pytest)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  const fixtureEnv = useFixtureSettings(() => api);

  it('shows the tests pytest collects, each with a range for its gutter button', async () => {
    const expected = pytestCollectedIds();
    assert.ok(expected.length >= 15, `pytest collected ${expected.length}`);
    const leaves = await waitFor('the tree to match the collection', () => {
      const ids = leafNodeIds(api);
      return ids.length === expected.length ? ids : undefined;
    });
    assert.deepStrictEqual([...leaves].sort(), [...expected].sort());
    for (const id of leaves) assert.ok(item(api, id).range, `${id} has a range`);
    const whoami = item(api, 'test_deploy.py::TestDeployments::test_whoami');
    const line = readFileSync(join(integrationDir(), 'test_deploy.py'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('def test_whoami'));
    assert.strictEqual(whoami.range!.start.line, line);
    // Levels: folder, file, class, function, parametrized case.
    assert.strictEqual(whoami.parent?.label, 'TestDeployments');
    assert.strictEqual(whoami.parent?.parent?.label, 'test_deploy.py');
    assert.strictEqual(item(api, 'test_deploy.py::test_model_sizes[m]').parent?.label, 'test_model_sizes');
  });

  it('runs one test and marks only it passed', async () => {
    const target = item(api, 'test_deploy.py::TestDeployments::test_whoami');
    const summary = await api.testExplorer.runTests([target]);
    assert.deepStrictEqual(summary.problems, []);
    assert.deepStrictEqual([...summary.results.keys()], ['test_deploy.py::TestDeployments::test_whoami']);
    assert.strictEqual(
      summary.results.get('test_deploy.py::TestDeployments::test_whoami')?.outcome,
      'passed',
    );
    assert.deepStrictEqual([...summary.itemResults.keys()], [target.id]);
    assert.match(
      summary.output,
      /^\$ .*pytest .*-p codespace_tests_plugin/,
      'the command line heads the output',
    );
  });

  it('shows the on-demand failure with its message at the failing line', async () => {
    await setFolderSetting('tests.env', { ...fixtureEnv(), FAIL_ON_DEMAND: '1' });
    // Stand-in Django lines while the test runs: the failure gets the lines of its own time window.
    const ticker = setInterval(
      () => api.logStore.append('django', `"GET /api/whoami/ HTTP/1.1" 200 (${Date.now()})`),
      20,
    );
    try {
      const summary = await api.testExplorer.runTests([item(api, 'test_deploy.py::test_fails_on_demand')]);
      clearInterval(ticker);
      const r = summary.results.get('test_deploy.py::test_fails_on_demand');
      assert.strictEqual(r?.outcome, 'failed');
      assert.match(r.message ?? '', /FAIL_ON_DEMAND is set/);
      const file = join(integrationDir(), 'test_deploy.py');
      const line =
        readFileSync(file, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('"FAIL_ON_DEMAND is set"')) + 1;
      assert.strictEqual(r.file, file);
      assert.strictEqual(r.line, line);
      assert.ok((r.serviceLogLines ?? 0) > 0, 'the Django lines of its window are attached to the failure');
    } finally {
      clearInterval(ticker);
      await setFolderSetting('tests.env', fixtureEnv());
    }
  });

  it('runs one parametrized case alone', async () => {
    const summary = await api.testExplorer.runTests([item(api, 'test_deploy.py::test_model_sizes[m]')]);
    assert.deepStrictEqual(
      [...summary.results].map(([id, r]) => [id, r.outcome]),
      [['test_deploy.py::test_model_sizes[m]', 'passed']],
    );
  });

  it('cancel stops pytest and the Django it started, leaving no process behind', async () => {
    const cts = new vscode.CancellationTokenSource();
    const workspace = fixtureFolder().uri.fsPath;
    const seen = new Set<number>();
    const running = api.testExplorer.runTests([item(api, 'test_deploy.py::test_health')], {
      token: cts.token,
    });
    // Cancel once the fixture's Django server (a grandchild of pytest) is up.
    await waitFor(
      'pytest and its Django server to be running',
      () => {
        const pids = processesMentioning(workspace);
        pids.forEach((p) => seen.add(p));
        return pids.length >= 2 && processesMentioning('runserver').some((p) => seen.has(p));
      },
      60_000,
      50,
    );
    const t = Date.now();
    cts.cancel();
    const summary = await running;
    assert.ok(summary.cancelled);
    assert.strictEqual(
      summary.itemResults.values().next().value?.outcome,
      'skipped-not-run',
      'a test not reached ends as skipped',
    );
    await waitFor('every process of the run to be gone', () => [...seen].every((p) => !alive(p)), 5000, 20);
    assert.ok(Date.now() - t < 2500, `everything stopped in ${Date.now() - t} ms`);
    assert.deepStrictEqual(processesMentioning(workspace), []);
    cts.dispose();
  });

  it('a syntax error in one file shows on that file and leaves the others runnable', async () => {
    const broken = join(integrationDir(), 'test_broken_syntax.py');
    writeFileSync(broken, 'def test_fine():\n    pass\n\n\ndef test_broken(:\n    pass\n');
    try {
      const fileItem = await waitFor('the broken file to show its error', () => {
        const i = itemsByNodeId(api).get('test_broken_syntax.py');
        return i?.error ? i : undefined;
      });
      assert.match(String(fileItem.error), /SyntaxError|invalid syntax/);
      assert.ok(leafNodeIds(api).length >= pytestCollectedIds().length, 'every other test stays in the tree');
      const summary = await api.testExplorer.runTests([
        item(api, 'test_pynodes.py::test_unique_names_differ'),
      ]);
      assert.strictEqual(summary.results.get('test_pynodes.py::test_unique_names_differ')?.outcome, 'passed');
    } finally {
      rmSync(broken, { force: true });
    }
    await waitFor(
      'the deleted file to leave the tree',
      () => !itemsByNodeId(api).has('test_broken_syntax.py'),
    );
  });
});
