import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { Commands } from '../../src/ids';
import { activateExtension, waitFor } from './helpers';
import {
  item,
  leafNodeIds,
  pytestCollectedIds,
  setFolderSetting,
  useFixtureSettings,
} from './testExplorerHelpers';

const SMOKE = 'test_pynodes.py::test_unique_names_differ';

/** The leaves VS Code's `@<controller>:<tag>` filter keeps: it matches the ids of each item's own tags. */
function tagged(api: ExtensionApi, tag: string): string[] {
  return leafNodeIds(api)
    .filter((id) => item(api, id).tags.some((t) => t.id === tag))
    .sort();
}

describe('pytest markers as tags in the Testing view (real pytest)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  useFixtureSettings(() => api);

  it("each marker is a tag: the tree's tagged tests are the ones pytest -m selects", async () => {
    const expected = pytestCollectedIds();
    await waitFor('the tree to match the collection', () => leafNodeIds(api).length === expected.length);
    for (const marker of ['smoke', 'integration', 'skip', 'xfail']) {
      const selected = pytestCollectedIds(['-m', marker]).sort();
      assert.ok(selected.length > 0, `pytest -m ${marker} selects some`);
      assert.deepStrictEqual(tagged(api, marker), selected, `@${marker}`);
    }
    // parametrize is pytest's machinery, not a kind of test: no tag.
    assert.deepStrictEqual(tagged(api, 'parametrize'), []);
    assert.deepStrictEqual(
      item(api, 'test_deploy.py::test_model_sizes').tags.map((t) => t.id),
      [],
      'the function above the cases has what they share',
    );
  });

  it('a run of the tests the tag filter keeps runs only those', async () => {
    const ids = tagged(api, 'smoke');
    assert.deepStrictEqual(ids, [SMOKE]);
    const summary = await api.testExplorer.runTests(ids.map((id) => item(api, id)));
    assert.deepStrictEqual(summary.problems, []);
    assert.deepStrictEqual([...summary.results.keys()], [SMOKE]);
    assert.strictEqual(summary.results.get(SMOKE)?.outcome, 'passed');
  });

  it('tests.needsComponent: the needs-component tag and the part beside the name (the hover); flaky beside them', async () => {
    const needs = 'needs Victoria Metrics: not in the local cluster, run it on CI';
    await setFolderSetting('tests.needsComponent', { smoke: 'Victoria Metrics' });
    try {
      await waitFor('the needs-component tag', () =>
        item(api, SMOKE).tags.some((t) => t.id === 'needs-component'),
      );
      assert.deepStrictEqual(
        item(api, SMOKE).tags.map((t) => t.id),
        ['smoke', 'needs-component'],
      );
      assert.strictEqual(item(api, SMOKE).description, needs);
      assert.deepStrictEqual(tagged(api, 'needs-component'), [SMOKE], 'no other test needs it');
      // A mixed history adds the flaky tag and fail rate beside the marker's, without taking them away.
      await vscode.commands.executeCommand(Commands.clearTestHistory);
      api.testExplorer.recordCiResults(9_000_001, [[item(api, SMOKE).id, 'passed']]);
      api.testExplorer.recordCiResults(9_000_002, [[item(api, SMOKE).id, 'failed']]);
      assert.deepStrictEqual(
        item(api, SMOKE).tags.map((t) => t.id),
        ['smoke', 'needs-component', 'flaky'],
      );
      assert.match(
        item(api, SMOKE).description ?? '',
        new RegExp(`^${needs} · flaky: failed 1 of the last 2 runs`),
      );
      await vscode.commands.executeCommand(Commands.clearTestHistory);
      assert.deepStrictEqual(
        item(api, SMOKE).tags.map((t) => t.id),
        ['smoke', 'needs-component'],
      );
      assert.strictEqual(item(api, SMOKE).description, needs);
    } finally {
      await setFolderSetting('tests.needsComponent', undefined);
    }
    await waitFor('the default again', () => item(api, SMOKE).tags.every((t) => t.id !== 'needs-component'));
    assert.strictEqual(item(api, SMOKE).description, undefined);
  });
});
