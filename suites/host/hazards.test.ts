import * as assert from 'node:assert';
import type { ExtensionApi } from '../../src/extension';
import { activateExtension } from './helpers';
import { item, setFolderSetting, useFixtureSettings } from './testExplorerHelpers';

const LEAKER = 'test_hazards.py::test_leaks_an_application';

describe('Test hazards: leaked rows (real pytest and Django)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  useFixtureSettings(() => api);

  it('Run with Leak Check: a warning on the test that left a row; every outcome unchanged', async () => {
    const file = item(api, 'test_hazards.py');
    assert.strictEqual(api.testExplorer.leakProfileFor(file).label, 'Run with Leak Check');
    const summary = await api.testExplorer.runTests([file], { leaks: true });
    assert.deepStrictEqual(summary.problems, []);
    assert.deepStrictEqual([...summary.results].map(([id, r]) => `${id} ${r.outcome}`).sort(), [
      'test_hazards.py::test_beta_flag_is_off_by_default passed',
      'test_hazards.py::test_flaky_by_design passed',
      `${LEAKER} passed`,
      'test_hazards.py::test_turns_on_beta_flag passed',
    ]);
    assert.deepStrictEqual(
      summary.leaks.map((l) => `${l.nodeid} ${l.table} ${l.rows}`),
      [`${LEAKER} applications_application 1`],
    );
    const warning = summary.results.get(LEAKER)?.leaks?.[0] ?? '';
    assert.match(warning, /^left 1 row in applications_application \(ids \d+\)$/);
  });

  it('the plain Run profile checks nothing, unless codespaceTests.leaks.check is on', async () => {
    const leaker = item(api, LEAKER);
    const plain = await api.testExplorer.runTests([leaker]);
    assert.deepStrictEqual(plain.leaks, []);
    await setFolderSetting('leaks.check', true);
    try {
      const checked = await api.testExplorer.runTests([leaker]);
      assert.deepStrictEqual(
        checked.leaks.map((l) => l.nodeid),
        [LEAKER],
      );
    } finally {
      await setFolderSetting('leaks.check', undefined);
    }
  });
});
