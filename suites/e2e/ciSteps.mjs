// UI step of "Trigger CI on Branch": the palette, the workflow's input prompts, the status bar following
// the run on the GitHub stand-in (behind Prism), and the CI Runs view listing it.
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTEGRATION_DIR, showTestRow, testRowIn } from './session.mjs';
import { logViewer, waitForRows } from './logSteps.mjs';

/** The fixture's integration-tests.yml declares these inputs, in this order (the prompts follow it). */
export const INPUTS = ['test_path', 'environment', 'verbose', 'max_failures'];
/** The inputs asked with a pick list (a choice, a boolean) rather than a text box. */
export const PICKED = new Set(['environment', 'verbose']);

export async function triggerCiFollowsTheRun(session) {
  const wb = session.workbench;
  const { page } = wb;
  session.services.takeGitHubViolations();
  await wb.clearNotifications();
  // The token for the stand-in, set as a person would: a password box, kept in VS Code's secret storage.
  await wb.command('Codespace Tests: Set GitHub Token…');
  const tokenBox = await wb.quickInputTitled('Set GitHub Token', 30_000);
  assert.strictEqual(await tokenBox.locator('input').getAttribute('type'), 'password');
  await tokenBox.locator('input').fill(session.services.githubToken);
  await page.keyboard.press('Enter');
  await wb.waitForNotification('GitHub token saved');
  await wb.clearNotifications();
  const rec = await wb.recordStatusBar(/^CI[: ]/);
  await wb.command('Codespace Tests: Trigger CI on Branch');
  for (const [i, name] of INPUTS.entries()) {
    const input = await wb.quickInputTitled(`Trigger CI: ${name} (${i + 1}/${INPUTS.length})`, 30_000);
    if (name === 'environment') {
      // A choice: the default first, so Enter takes it.
      const first = input.locator('.quick-input-list .monaco-list-row').first();
      assert.match(await first.innerText(), /minikube[\s\S]*default/);
    }
    if (name === 'test_path')
      assert.strictEqual(await input.locator('input').inputValue(), 'backend/oracles/tests/integration');
    if (i === 0) await wb.screenshot('trigger-ci-asks-the-workflow-inputs');
    await wb.accept(input, { pick: PICKED.has(name) });
  }
  // The workspace's main is pushed and in sync with origin, so no before-dispatch question comes.
  const passed = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /CI #\d+ passed/ }).first();
  await passed.waitFor({ timeout: 90_000 });
  const seen = await rec.stop();
  const run = /CI #(\d+) passed/.exec(await passed.innerText())[1];
  // The window progress ("CI: reading the branch") shows there too; the run item is what follows the run.
  const phases = seen.map((t) => t.replace(/^CI:? (#\d+ )?/, ''));
  const dispatching = phases.indexOf('dispatching main');
  const following = phases.findIndex((p) => p === 'queued' || p === 'in progress');
  assert.ok(
    dispatching >= 0 && following > dispatching,
    `it dispatched, then followed the run (queued or in progress) before it passed (seen: ${seen.join(' | ')})`,
  );
  assert.strictEqual(phases[phases.length - 1], 'passed');
  await wb.waitForNotification(`CI run #${run} on main passed`);

  await wb.openActivity('Codespace Tests');
  const row = wb.viewRow('CI Runs', `#${run} `);
  await row.waitFor({ timeout: 30_000 });
  await wb.viewRow('CI Runs', new RegExp(`#${run} [\\s\\S]*success`)).waitFor({ timeout: 30_000 });
  await wb.screenshot('trigger-ci-status-bar-passed-and-runs-view');
  assert.deepStrictEqual(
    session.services.takeGitHubViolations(),
    [],
    "every request and response kept GitHub's OpenAPI contract",
  );
}

/**
 * "Show Results of CI Run" on the run Trigger CI followed: its JUnit report (written by real pytest on the
 * workspace, uploaded as the workflow's `junit` artifact) lands on the Testing view's tree.
 */
export async function ciResultsOnTheTree(session) {
  const wb = session.workbench;
  session.services.takeGitHubViolations();
  const dir = mkdtempSync(join(tmpdir(), 'cit-e2e-junit-'));
  try {
    const out = join(dir, 'junit.xml');
    const r = spawnSync(
      '/usr/bin/python3',
      [
        '-m',
        'pytest',
        '-p',
        'no:cacheprovider',
        '-q',
        '-c',
        `${INTEGRATION_DIR}/pytest.ini`,
        `--junitxml=${out}`,
        `${INTEGRATION_DIR}/test_deploy.py::test_fails_on_demand`,
        `${INTEGRATION_DIR}/test_pynodes.py::test_unique_names_differ`,
      ],
      {
        cwd: session.path('.'),
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', FAIL_ON_DEMAND: '1' },
        timeout: 60_000,
      },
    );
    assert.strictEqual(r.status, 1, `pytest wrote a report with one failure: ${r.stdout}${r.stderr}`);
    session.services.addJUnitArtifact({ 'junit.xml': readFileSync(out, 'utf8') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await wb.clearNotifications();
  await wb.openActivity('Codespace Tests');
  const row = wb.viewRow('CI Runs', /#\d+ [\s\S]*success/);
  await row.waitFor({ timeout: 30_000 });
  await row.hover();
  await row.locator('.action-label[aria-label="Show Results of CI Run"]').click();
  await showTestRow(wb, INTEGRATION_DIR, 'test_pynodes.py', 'test_unique_names_differ');
  await testRowIn(wb, 'test_unique_names_differ', 'Passed').waitFor({ timeout: 60_000 });
  await showTestRow(wb, INTEGRATION_DIR, 'test_deploy.py', 'test_fails_on_demand');
  await testRowIn(wb, 'test_fails_on_demand', 'Failed').waitFor({ timeout: 30_000 });
  await wb.screenshot('ci-results-on-the-tree');
  assert.deepStrictEqual(
    session.services.takeGitHubViolations(),
    [],
    "the artifact list and download kept GitHub's OpenAPI contract",
  );
}

/**
 * "Open Logs" on that run in the CI Runs view: its job's log in the log viewer, no browser. Each step is a
 * source; pytest's PASSED keeps its green.
 */
export async function ciJobLogInTheViewer(session) {
  const wb = session.workbench;
  session.services.takeGitHubViolations();
  session.services.addJobLog();
  await wb.clearNotifications();
  await wb.openActivity('Codespace Tests');
  const row = wb.viewRow('CI Runs', /#\d+ [\s\S]*success/);
  await row.waitFor({ timeout: 30_000 });
  await row.hover();
  await row.locator('.action-label[aria-label="Open Logs"]').click();
  const rows = await waitForRows(
    wb,
    (r) => /test_unique_names_differ PASSED/.test(r.text),
    "the job log's pytest line",
  );
  assert.ok(
    rows.some((r) => /integration › 3\. Run integration tests/.test(r.source)),
    `each step is a source: ${rows.map((r) => r.source).join(' | ')}`,
  );
  assert.ok(rows.some((r) => /integration › 2\. Run actions\/checkout@v4/.test(r.source)));
  assert.ok(
    rows.every((r) => !r.text.includes('##[')),
    "GitHub's markers are read, not shown",
  );
  // The colour is the log's own: PASSED in a green span.
  const green = logViewer(wb).locator('.row .text .ansi-fg-2', { hasText: 'PASSED' }).first();
  await green.waitFor({ timeout: 10_000 });
  await wb.screenshot('ci-job-log-in-the-viewer');
  assert.deepStrictEqual(
    session.services.takeGitHubViolations(),
    [],
    "the jobs list and the log's download kept GitHub's OpenAPI contract",
  );
}
