import * as assert from 'node:assert';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtensionApi } from '../../src/extension';
import { activateExtension, waitFor } from './helpers';
import {
  integrationDir,
  item,
  itemsByNodeId,
  removeTestFiles,
  setFolderSetting,
  useFixtureSettings,
} from './testExplorerHelpers';

const EXTRA = 'test_extra.py';
const OTHER = 'test_other.py';

describe('Test Explorer: settings and bad input (real pytest)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  useFixtureSettings(() => api);
  const files = () => [...itemsByNodeId(api).keys()].filter((id) => !id.includes('::')).sort();
  const fileError = (fileId: string) => String(itemsByNodeId(api).get(fileId)?.error ?? '');

  it('a new tests.include rebuilds the watcher and the tree without a reload', async () => {
    try {
      await setFolderSetting('tests.include', `**/tests/integration/test_{deploy,extra}.py`);
      await waitFor('test_pynodes.py to leave the tree', () => !itemsByNodeId(api).has('test_pynodes.py'));
      await api.testExplorer.settled();
      assert.deepStrictEqual(files(), ['test_deploy.py'], "pytest's collection does not bring it back");

      // The old watcher (every .py file) would pick up test_other.py; the new one only test_extra.py.
      writeFileSync(join(integrationDir(), OTHER), 'def test_other():\n    pass\n');
      writeFileSync(join(integrationDir(), EXTRA), 'def test_extra():\n    pass\n');
      await waitFor('test_extra.py to join the tree', () => itemsByNodeId(api).has(`${EXTRA}::test_extra`));
      await api.testExplorer.settled();
      assert.deepStrictEqual(files(), ['test_deploy.py', EXTRA]);

      await setFolderSetting('tests.include', undefined);
      await waitFor('every file to be back', () => files().length === 5);
      assert.deepStrictEqual(files(), ['test_deploy.py', EXTRA, 'test_hazards.py', OTHER, 'test_pynodes.py']);
    } finally {
      await setFolderSetting('tests.include', undefined);
      await removeTestFiles(api, EXTRA, OTHER);
    }
  });

  it('the configured command not found: the run ends with what to change', async () => {
    await setFolderSetting('tests.command', 'no-such-pytest-command');
    try {
      const target = item(api, 'test_deploy.py::test_model_sizes[s]');
      const summary = await api.testExplorer.runTests([target]);
      assert.strictEqual(summary.problems.length, 1);
      assert.match(summary.problems[0], /The test command "no-such-pytest-command" was not found/);
      assert.match(summary.problems[0], /change "codespaceTests.tests.command"/);
      assert.deepStrictEqual(summary.itemResults.get(target.id), {
        outcome: 'errored-run',
        message: summary.problems[0],
      });
      assert.match(summary.output, /was not found/, 'the message is in the run output too');
    } finally {
      await setFolderSetting('tests.command', undefined);
    }
  });

  it('an invalid pytest.ini shows on its files and ends their runs with what to fix', async () => {
    const ini = join(integrationDir(), 'pytest.ini');
    const good = readFileSync(ini, 'utf8');
    writeFileSync(ini, `${good}this line is nonsense\n`);
    try {
      await waitFor('the files to show the invalid pytest.ini', () =>
        /is not a valid pytest.ini/.test(fileError('test_deploy.py')),
      );
      assert.match(
        fileError('test_deploy.py'),
        /line \d+: "this line is nonsense".*Fix it, then refresh the tests\./,
      );
      const target = item(api, 'test_deploy.py::test_model_sizes[s]');
      const summary = await api.testExplorer.runTests([target]);
      assert.match(summary.problems[0] ?? '', /is not a valid pytest.ini/);
      assert.strictEqual(summary.itemResults.get(target.id)?.outcome, 'errored-run');
      assert.deepStrictEqual(summary.pids, [], 'pytest is not started with a broken pytest.ini');
    } finally {
      writeFileSync(ini, good);
    }
    await waitFor(
      'the error to clear',
      () => itemsByNodeId(api).has('test_deploy.py') && !fileError('test_deploy.py'),
    );
  });

  it('a missing pytest.ini shows on its files and ends their runs with what to add', async () => {
    const ini = join(integrationDir(), 'pytest.ini');
    renameSync(ini, `${ini}.away`);
    try {
      await waitFor('the files to show the missing pytest.ini', () =>
        /No pytest.ini governs/.test(fileError('test_deploy.py')),
      );
      const target = item(api, 'test_deploy.py::test_model_sizes');
      const summary = await api.testExplorer.runTests([target]);
      assert.match(
        summary.problems[0] ?? '',
        /No pytest.ini governs .*test_deploy.py: add one \(with a \[pytest\] section\)/,
      );
      assert.ok(summary.itemResults.size > 0);
      for (const r of summary.itemResults.values()) assert.strictEqual(r.outcome, 'errored-run');
      assert.deepStrictEqual(summary.pids, []);
    } finally {
      renameSync(`${ini}.away`, ini);
    }
    await waitFor(
      'the error to clear',
      () => itemsByNodeId(api).has('test_deploy.py') && !fileError('test_deploy.py'),
    );
    await api.testExplorer.settled();
  });
});
