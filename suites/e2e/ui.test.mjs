// The UI tier: the extension in the real VS Code workbench, driven in Chromium with clicks and keys as a
// person would. Steps are independent `it`s sharing one workbench (see session.mjs); each saves a
// screenshot into .artifacts/e2e/. Run: node suites/e2e/run.mjs
/* global describe, it -- mocha provides them */
import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { INTEGRATION_DIR, shareUiSession, showTestRow, testRowIn } from './session.mjs';
import { djangoStoppedToReady, portConflictPrompt } from './djangoSteps.mjs';
import { ciJobLogInTheViewer, ciResultsOnTheTree, triggerCiFollowsTheRun } from './ciSteps.mjs';
import { followAPod, logsOfAFailedTest, viewerSurvivesHidingAndReload } from './logSteps.mjs';
import { findThePollutingTest } from './hazardSteps.mjs';

const FOLDER_ROW = INTEGRATION_DIR;

describe('UI: the extension in the workbench, as a person uses it', function () {
  this.timeout(180_000);
  let session;
  let wb;
  let page;

  shareUiSession(
    {
      // The pods and the GitHub of `npm start`: Kubernetes and GitHub stand-ins, wired by settings.
      devServices: true,
      settings: (ports) => ({
        // The stand-in's runs move every 4 s; polling each second lets the item show each phase.
        'codespaceTests.ci.pollIntervalSeconds': 1,
        // FAIL_ON_DEMAND makes test_fails_on_demand fail; every other test is unaffected.
        'codespaceTests.tests.env': {
          INTEGRATION_DJANGO_PORT: String(ports.pytestDjango),
          FAIL_ON_DEMAND: '1',
          // test_turns_on_beta_flag leaves a flag on in Django's memory: test_beta_flag_is_off_by_default then fails.
          POLLUTE_ON_DEMAND: '1',
        },
      }),
    },
    (started) => {
      session = started;
      ({ workbench: wb, page } = started);
    },
  );

  it('opens the Testing view and sees the fixture tests', async () => {
    await showTestRow(wb, FOLDER_ROW, 'test_deploy.py', 'TestDeployments', 'test_whoami');
    await showTestRow(wb, FOLDER_ROW, 'test_pynodes.py', 'TestPynodes', 'test_rejects_wrong_api_key');
    const labels = await page
      .locator('.test-explorer .monaco-list-row .label')
      .evaluateAll((els) => els.map((e) => e.textContent));
    for (const name of [
      'test_deploy.py',
      'test_health',
      'TestDeployments',
      'test_whoami',
      'test_model_sizes',
      'test_fails_on_demand',
      'test_pynodes.py',
      'test_unique_names_differ',
    ])
      assert.ok(labels.includes(name), `the Testing view shows ${name} (it shows ${labels.join(', ')})`);
    await wb.screenshot('testing-view-shows-the-fixture-tests');
  });

  it('presses Run on one test and sees it pass', async () => {
    await showTestRow(wb, FOLDER_ROW, 'test_deploy.py', 'TestDeployments', 'test_whoami');
    await wb.testRowAction('test_whoami', 'Run Test');
    // The first run starts the managed Django too: give it time.
    const passed = testRowIn(wb, 'test_whoami', 'Passed');
    await passed.waitFor({ timeout: 150_000 });
    assert.strictEqual(await passed.locator('.codicon-testing-passed-icon').count(), 1, 'the passed icon');
    // Only that test ran: its neighbours are still not run.
    await testRowIn(wb, 'test_list_starts_empty_for_new_name', 'Not yet run').waitFor({ timeout: 5_000 });
    await wb.screenshot('run-one-test-passes');
  });

  it('presses Run on test_fails_on_demand and sees its message at the failing line', async () => {
    await showTestRow(wb, FOLDER_ROW, 'test_deploy.py', 'test_fails_on_demand');
    await wb.testRowAction('test_fails_on_demand', 'Run Test');
    const failed = testRowIn(wb, 'test_fails_on_demand', 'Failed');
    await failed.waitFor({ timeout: 150_000 });
    assert.strictEqual(await failed.locator('.codicon-testing-failed-icon').count(), 1, 'the failed icon');
    // Opening the failed test shows its failure in a peek under the failing line.
    await failed.dblclick();
    const peek = page
      .locator('.monaco-editor .peekview-widget', { hasText: 'FAIL_ON_DEMAND is set' })
      .first();
    await peek.waitFor({ timeout: 30_000 });
    const source = readFileSync(session.path(`${INTEGRATION_DIR}/test_deploy.py`), 'utf8').split('\n');
    const line = source.findIndex((l) => l.includes('"FAIL_ON_DEMAND is set"')) + 1;
    const lineNumber = page
      .locator('.monaco-editor .margin-view-overlays .line-numbers', { hasText: new RegExp(`^${line}$`) })
      .first();
    const [at, below] = [await lineNumber.boundingBox(), await peek.boundingBox()];
    assert.ok(at && below, 'the failing line and the peek are on screen');
    // The peek is a zone under its line (its top edge, an arrow, sits a few pixels lower): within one line.
    const gap = below.y - (at.y + at.height);
    assert.ok(
      gap >= -2 && gap < at.height,
      `the peek opens right under line ${line} (line at y=${at.y}+${at.height}, peek at y=${below.y})`,
    );
    await wb.screenshot('failure-message-at-the-line');
  });

  it("opens the log viewer from a failed test's message and sees that test's Django lines", () =>
    logsOfAFailedTest(session));

  it('the Django status bar item goes from stopped to ready with the URL', () =>
    djangoStoppedToReady(session));

  it('a foreign server on the port brings the port-conflict prompt (Cancel, then Kill It)', () =>
    portConflictPrompt(session));

  it('opens the Pods view, follows a pod and sees its lines arrive in the log viewer', () =>
    followAPod(session));

  it('runs "Trigger CI on Branch" from the palette and the status bar follows the run', () =>
    triggerCiFollowsTheRun(session));

  it('shows the results of that CI run on the tree from the CI Runs view', () => ciResultsOnTheTree(session));

  it("opens that CI run's job log in the log viewer from the CI Runs view", () =>
    ciJobLogInTheViewer(session));

  it('right-clicks a test that fails in the suite, chooses Find the Polluting Test and reads the polluter', function () {
    // A run, then up to ceil(log2 n) + 2 tries, each after a restart of Django.
    this.timeout(420_000);
    return findThePollutingTest(session);
  });

  // Last: it reloads the window, which starts a new extension host under the steps above.
  it('hides the log viewer and reloads the window: its rows and typed filter come back, its pod followed again', () =>
    viewerSurvivesHidingAndReload(session));
});
