// UI steps of the log viewer: opened from a failed test's message (that test's Django lines), and from the
// Pods view following a pod (its lines arriving live).
import * as assert from 'node:assert';
import { INTEGRATION_DIR, showTestRow, testRowIn } from './session.mjs';

/** A test that talks to Django (GET /health/); the step breaks its assertion in the editor. */
const HEALTH_CHECK = 'assert response.json() == {"status": "ok"}';
const BROKEN_CHECK = 'assert response.json() == {"status": "up"}';

/** The log viewer's page: inside the webview's iframe, its active frame. */
export function logViewer(wb) {
  return wb.page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
}

/** The rows the log viewer shows now: time, source label and text of each. */
export async function viewerRows(wb) {
  const viewer = logViewer(wb);
  await viewer.locator('#panes').waitFor({ timeout: 30_000 });
  return viewer.locator('.row:not([hidden])').evaluateAll((rows) =>
    rows.map((r) => ({
      time: r.querySelector('.time')?.textContent ?? '',
      source: r.querySelector('.src')?.textContent ?? '',
      text: r.querySelector('.text')?.textContent ?? '',
    })),
  );
}

/** Waits until the viewer shows a row matching `predicate`; returns the rows then. */
async function waitForRows(wb, predicate, what, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let rows = [];
  while (Date.now() < until) {
    rows = await viewerRows(wb).catch(() => []);
    if (rows.some(predicate)) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the log viewer shows no ${what} within ${timeoutMs / 1000} s; it shows:\n${rows.map((r) => `${r.time} [${r.source}] ${r.text}`).join('\n')}`,
  );
}

/** Opens a workspace file with Quick Open, as a person types its name. */
async function openFile(wb, name) {
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Control+P');
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  // File results come a moment after typing: pick the row once it is there.
  await wb.pick(name);
  await wb.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
}

/** Replaces `from` with `to` in the open editor with Find and Replace, then saves. */
async function replaceInEditor(wb, from, to) {
  const { page } = wb;
  // Quick Open left the focus in the editor; Escape closes a failure peek an earlier run may have opened.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+H');
  const widget = page.locator('.editor-widget.find-widget.visible');
  await widget.waitFor({ timeout: 10_000 });
  await widget.locator('.find-part textarea, .find-part input').first().fill(from);
  await widget.locator('.matchesCount', { hasText: /^1 of 1$/ }).waitFor({ timeout: 10_000 });
  await widget.locator('.replace-part textarea, .replace-part input').first().fill(to);
  await widget.locator('.replace-part [aria-label^="Replace All"]').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+S');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
}

/**
 * A person breaks test_health in the editor, runs it, right-clicks its failure message in Test Results and
 * picks "Show Logs for This Test": the log viewer opens on that test's time window with Django's line for
 * the request the test made, and nothing Django logged outside the window.
 */
export async function logsOfAFailedTest(session) {
  const wb = session.workbench;
  const { page } = wb;
  await openFile(wb, 'test_deploy.py');
  await replaceInEditor(wb, HEALTH_CHECK, BROKEN_CHECK);
  await showTestRow(wb, INTEGRATION_DIR, 'test_deploy.py', 'test_health');
  await wb.testRowAction('test_health', 'Run Test');
  await testRowIn(wb, 'test_health', 'Failed').waitFor({ timeout: 150_000 });

  // Test Results (open after a failure): its tree shows the test with its failure message on one row;
  // selecting it shows the message, with the extension's "Show Logs for This Test" action on it.
  const results = page.locator('.part.panel .test-output-peek-tree');
  await results.waitFor({ timeout: 15_000 });
  const messageRow = results.locator('.monaco-list-row', { hasText: 'AssertionError' }).first();
  await messageRow.waitFor({ timeout: 15_000 });
  await messageRow.click();
  const action = page.locator('.part.panel').getByText('Show Logs for This Test').first();
  await action.waitFor({ timeout: 10_000 });
  await wb.screenshot('failed-test-message-offers-show-logs');
  await action.click();

  await page.locator('.tab', { hasText: 'Logs: test_health' }).waitFor({ timeout: 30_000 });
  const rows = await waitForRows(
    wb,
    (r) => r.text.includes('"GET /health/ HTTP/1.1" 200'),
    "Django line of test_health's request",
  );
  const scope = await logViewer(wb).locator('#scope').innerText();
  const window = /(\d\d:\d\d:\d\d\.\d{3}) – (\d\d:\d\d:\d\d\.\d{3})/.exec(scope);
  assert.ok(window && scope.includes('test_health'), `the viewer names the test and its window (${scope})`);
  for (const r of rows) {
    assert.ok(
      r.time >= window[1] && r.time <= window[2],
      `${r.time} ${r.text} lies in ${window[1]}–${window[2]}`,
    );
    assert.ok(!/Starting development server/.test(r.text), 'no line from before the test');
  }
  await wb.screenshot('log-viewer-shows-the-failed-test-django-lines');
}

/**
 * The Pods view (the "Codespace Tests" activity) lists both pods; the model pod's inline Follow action asks
 * for its container, and its lines arrive in the log viewer while it is open.
 */
export async function followAPod(session) {
  const wb = session.workbench;
  await wb.openActivity('Codespace Tests');
  const pynode = wb.viewRow('Pods', 'pynode-7d9f8b6c4-x2kqp');
  const model = wb.viewRow('Pods', 'model-llama-deploy-5b7c9d-qrt8z');
  await pynode.waitFor({ timeout: 30_000 });
  await model.waitFor({ timeout: 30_000 });
  await wb.screenshot('pods-view-lists-the-pods');

  await model.hover();
  await model.locator('.action-label[aria-label^="Follow Pod Logs"]').click();
  await wb.quickInputTitled('Follow logs of model-llama-deploy-5b7c9d-qrt8z');
  await wb.pick('model');
  await wb.page
    .locator('.tab', { hasText: /^\s*Logs/ })
    .first()
    .waitFor({ timeout: 30_000 });
  const fromModel = (r) => r.source.includes('model-llama') && /model: /.test(r.text);
  const first = (await waitForRows(wb, fromModel, 'line of the model pod')).filter(fromModel);
  const seen = new Set(first.map((r) => `${r.time} ${r.text}`));
  // The stand-in's pods log every second: a line not seen before arrives while the viewer follows.
  const later = await waitForRows(
    wb,
    (r) => fromModel(r) && !seen.has(`${r.time} ${r.text}`),
    'new line of the model pod',
    15_000,
  );
  assert.ok(later.filter(fromModel).length >= 2, 'lines keep arriving');
  await wb.screenshot('pod-lines-arrive-in-the-log-viewer');
}
