import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { maxTries } from '../../src/core/pytest/pollution';
import { Commands } from '../../src/ids';
import type { PollutionSearch } from '../../src/testing/pollution';
import type { RepeatOutcome } from '../../src/core/pytest/repeat';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    assert.ok(
      summary.output.includes(`Leak check: 1 test left rows in the database:\n  ${LEAKER}: ${warning}`),
      "the run's summary lists the leaks by test",
    );
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

describe('Test hazards: Find the Polluting Test (real pytest and Django)', function () {
  this.timeout(300_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  const fixtureEnv = useFixtureSettings(() => api);
  const VICTIM = 'test_hazards.py::test_beta_flag_is_off_by_default';

  it('on the test that fails after the polluter: names it, in at most ceil(log2 n) + 2 tries', async () => {
    await setFolderSetting('tests.env', { ...fixtureEnv(), POLLUTE_ON_DEMAND: '1' });
    try {
      const suite = await api.testExplorer.runTests([item(api, 'test_hazards.py')]);
      assert.strictEqual(suite.results.get(VICTIM)?.outcome, 'failed', 'it fails in the suite');
      const found = await vscode.commands.executeCommand<PollutionSearch>(
        Commands.findPollutingTest,
        item(api, VICTIM),
      );
      assert.strictEqual(found.kind, 'found', JSON.stringify(found));
      if (found.kind !== 'found') return;
      assert.deepStrictEqual(found.polluters, ['test_hazards.py::test_turns_on_beta_flag']);
      assert.ok(found.candidates >= 12, `every test before it in its folder (${found.candidates})`);
      assert.ok(found.tries <= maxTries(found.candidates), `${found.tries} tries`);
      assert.match(found.command, /test_turns_on_beta_flag .*test_beta_flag_is_off_by_default$/);
    } finally {
      await setFolderSetting('tests.env', fixtureEnv());
    }
  });

  it('from a failure message: a test that fails alone is not pollution, after one try', async () => {
    await setFolderSetting('tests.env', { ...fixtureEnv(), FAIL_ON_DEMAND: '1' });
    try {
      const test = item(api, 'test_deploy.py::test_fails_on_demand');
      const result = await vscode.commands.executeCommand<PollutionSearch>(Commands.findPollutingTest, {
        test,
        message: new vscode.TestMessage('FAIL_ON_DEMAND is set'),
      });
      assert.strictEqual(result.kind, 'failsAlone');
      assert.strictEqual(result.tries, 1);
    } finally {
      await setFolderSetting('tests.env', fixtureEnv());
    }
  });
});

describe('Test hazards: flakiness, measured (real pytest)', function () {
  this.timeout(300_000);
  let api: ExtensionApi;
  let counterDir: string;
  before(async () => ({ api } = await activateExtension()));
  const fixtureEnv = useFixtureSettings(() => api);
  before(() => (counterDir = mkdtempSync(join(tmpdir(), 'cit-flaky-'))));
  after(() => rmSync(counterDir, { recursive: true, force: true }));
  const FLAKY = 'test_hazards.py::test_flaky_by_design';

  it('Run Repeatedly: the test that fails every third run gets the flaky tag and its fail rate; Clear Test History removes them', async () => {
    await vscode.commands.executeCommand(Commands.clearTestHistory);
    await setFolderSetting('tests.env', { ...fixtureEnv(), FLAKY_COUNTER_FILE: join(counterDir, 'runs') });
    try {
      const flaky = item(api, FLAKY);
      const steady = item(api, 'test_deploy.py::test_model_sizes[s]');
      const all = await vscode.commands.executeCommand<RepeatOutcome>(
        Commands.runRepeatedly,
        flaky,
        [flaky, steady],
        {
          times: 3,
          untilFailure: false,
        },
      );
      assert.deepStrictEqual(all, { runs: 3, failedRuns: 1, stopped: 'done' });
      const entries = api.testExplorer.flaky.history().tests[flaky.id];
      assert.deepStrictEqual(
        entries.map((e) => e.outcome),
        ['passed', 'passed', 'failed'],
      );
      assert.deepStrictEqual(
        flaky.tags.map((t) => t.id),
        ['flaky'],
      );
      assert.strictEqual(flaky.description, 'flaky: failed 1 of the last 3 runs (33 %)');
      assert.deepStrictEqual(steady.tags, [], 'a test that always passed is not flaky');
      assert.strictEqual(steady.description, undefined);

      // Runs 4 and 5 pass, run 6 fails: it stops there.
      const until = await vscode.commands.executeCommand<RepeatOutcome>(
        Commands.runRepeatedly,
        flaky,
        [flaky],
        {
          times: 10,
          untilFailure: true,
        },
      );
      assert.deepStrictEqual(until, { runs: 3, failedRuns: 1, stopped: 'firstFailure' });
      assert.strictEqual(flaky.description, 'flaky: failed 2 of the last 6 runs (33 %)');

      await vscode.commands.executeCommand(Commands.clearTestHistory);
      assert.deepStrictEqual(api.testExplorer.flaky.history().tests, {});
      assert.deepStrictEqual(flaky.tags, []);
      assert.strictEqual(flaky.description, undefined);
    } finally {
      await setFolderSetting('tests.env', fixtureEnv());
    }
  });
});
