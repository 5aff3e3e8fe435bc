// UI steps for the test hazards (issue 15): Find the Polluting Test on a test that fails in the suite.
import * as assert from 'node:assert';
import { INTEGRATION_DIR, showTestRow, testRowIn } from './session.mjs';

const VICTIM = 'test_beta_flag_is_off_by_default';

/**
 * Runs test_hazards.py (POLLUTE_ON_DEMAND is set: test_turns_on_beta_flag leaves a flag on in Django's memory),
 * right-clicks the test that failed, chooses Find the Polluting Test, and reads the polluter from the notification.
 */
export async function findThePollutingTest(session) {
  const { workbench: wb, page } = session;
  await showTestRow(wb, INTEGRATION_DIR, 'test_hazards.py', VICTIM);
  await wb.testRowAction('test_hazards.py', 'Run Test');
  const failed = testRowIn(wb, VICTIM, 'Failed');
  await failed.waitFor({ timeout: 150_000 });
  await testRowIn(wb, 'test_turns_on_beta_flag', 'Passed').waitFor({ timeout: 10_000 });

  await failed.click({ button: 'right' });
  const entry = page.locator('.context-view .action-item', { hasText: 'Find the Polluting Test' }).first();
  await entry.waitFor({ timeout: 15_000 });
  await wb.screenshot('find-the-polluting-test-in-the-context-menu');
  await entry.click();
  // Progress shows in a notification while the tries run, each after a fresh Django.
  await wb.waitForNotification(`Find the Polluting Test: ${VICTIM}`, 30_000);
  const result = await wb.waitForNotification(
    `${VICTIM} fails after test_hazards.py::test_turns_on_beta_flag`,
    240_000,
  );
  const text = await result.innerText();
  assert.match(text, /found in \d+ tries/);
  assert.ok(
    (await result.locator('.monaco-button', { hasText: 'Copy Command' }).count()) === 1,
    'Copy Command',
  );
  await wb.pointerAway();
  await wb.screenshot('find-the-polluting-test-names-the-polluter');
}
