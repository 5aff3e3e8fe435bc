// UI steps of the log viewer: opened from a failed test's message (that test's Django lines), and from the
// Pods view following a pod (its lines arriving live).
import * as assert from 'node:assert';
import { INTEGRATION_DIR, showTestRow, testRowIn } from './session.mjs';
import { waitUntil } from './waits.mjs';

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
export function waitForRows(wb, predicate, what, timeoutMs = 30_000) {
  return waitUntil(
    () => viewerRows(wb),
    (rows) => rows.some(predicate),
    (rows) =>
      `the log viewer shows no ${what} within ${timeoutMs / 1000} s; it shows:\n${(Array.isArray(rows) ? rows : []).map((r) => `${r.time} [${r.source}] ${r.text}`).join('\n')}`,
    { timeoutMs },
  );
}

/** Opens a workspace file with Quick Open, as a person types its name. */
async function openFile(wb, name) {
  for (let attempt = 1; ; attempt++) {
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Control+P');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    try {
      await input.fill(name, { timeout: 10_000 });
      // File results come a moment after typing: pick the row once it is there.
      await wb.pick(name);
      await wb.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
      return;
    } catch (e) {
      // Opened while the log viewer's page held the focus, Quick Open once stayed inert, and once its pick
      // opened nothing (fresh-clone runs, .artifacts/e2e/*failed-hides-the-log-viewer*): close it, give the
      // focus back to the workbench, once.
      if (attempt === 2) throw e;
      console.log(`[e2e] Quick Open did not open ${name} (${e.message.split('\n')[0]}): opening it again`);
      await wb.page.keyboard.press('Escape');
      await logsTab(wb).click();
    }
  }
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
      clockDiff(window[1], r.time) >= 0 && clockDiff(r.time, window[2]) >= 0,
      `${r.time} ${r.text} lies in ${window[1]}–${window[2]}`,
    );
    assert.ok(!/Starting development server/.test(r.text), 'no line from before the test');
  }
  // The failure's own read of the cluster: the Warning event of the window. (The pods log once a second, so a
  // test shorter than that may have no pod line in its window: one run had none.)
  await waitForRows(wb, (r) => r.text.includes('Readiness probe failed'), 'the Warning event of the window');
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

/** The editor tab of the log viewer ("Logs" or "Logs: <scope>"). */
function logsTab(wb) {
  return wb.page.locator('.tab', { hasText: /^\s*Logs/ }).first();
}

/** The viewer's filter box, its status ("N of M lines") and the rows it shows. */
async function viewerNow(wb) {
  const viewer = logViewer(wb);
  const status = await viewer.locator('#status').innerText();
  const counts = /^([\d,]+) of ([\d,]+) lines/.exec(status);
  return {
    filter: await viewer.locator('#filter').inputValue(),
    shown: counts ? Number(counts[1].replace(/,/g, '')) : -1,
    total: counts ? Number(counts[2].replace(/,/g, '')) : -1,
    rows: await viewerRows(wb),
  };
}

/** A line's time of day as the viewer shows it (logViewer/lines.ts `clock`). */
function clock(t) {
  const d = new Date(t);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * `b` minus `a` in ms, for two of the viewer's wall-clock times ("HH:MM:SS.mmm") less than 12 hours apart: right
 * across midnight too, where comparing the strings says 00:00:17 comes before 23:59:26.
 */
function clockDiff(a, b) {
  const ms = (c) => {
    const [h, m, s] = c.split(':');
    return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  };
  const day = 86_400_000;
  return ((ms(b) - ms(a) + day * 1.5) % day) - day / 2;
}

/**
 * A person follows the pynode pod and types a filter ("picked up job") into the log viewer; hides the viewer behind another
 * editor and comes back: its rows and filter are still there. Then "Developer: Reload Window": VS Code
 * brings the viewer back through its serializer, with its filter; the store lived in the old extension
 * host, so the lines come back because the viewer follows its pods again (their history by `tailLines`,
 * then new lines live).
 */
export async function viewerSurvivesHidingAndReload(session) {
  const wb = session.workbench;
  const { page } = wb;
  // Only the pod's "picked up job N" lines pass: a quarter of its lines, none of Django's or another pod's.
  const FILTER = 'picked up job';
  const matches = (r) => r.text.includes(FILTER);
  await wb.openActivity('Codespace Tests');
  const pynode = wb.viewRow('Pods', 'pynode-7d9f8b6c4-x2kqp');
  await pynode.waitFor({ timeout: 30_000 });
  await pynode.hover();
  await pynode.locator('.action-label[aria-label^="Follow Pod Logs"]').click();
  await logsTab(wb).waitFor({ timeout: 30_000 });
  await waitForRows(wb, (r) => r.source.includes('pynode') && matches(r), 'line of the pynode pod');

  const filterBox = logViewer(wb).locator('#filter');
  await filterBox.click();
  await filterBox.pressSequentially(FILTER, { delay: 40 });
  const filtered = await waitForViewer(
    () => viewerNow(wb),
    (v) => v.rows.length > 0 && v.rows.every(matches) && v.shown < v.total,
    `only "${FILTER}" rows under the typed filter`,
  );
  await wb.screenshot('log-viewer-filtered-to-the-pynode-pod');

  // Hidden: another editor in the same group takes the viewer's place (its page is let go, not kept).
  await logsTab(wb).click();
  await openFile(wb, 'test_deploy.py');
  await page.locator('iframe.webview').first().waitFor({ state: 'hidden', timeout: 10_000 });
  await wb.screenshot('log-viewer-hidden-behind-test_deploy-py');
  await logsTab(wb).click();
  const lastBefore = filtered.rows.at(-1);
  // The page's status line and its rows are read one after the other while the page comes back: wait for both.
  const shownAgain = await waitForViewer(
    () => viewerNow(wb),
    (v) =>
      v.rows.some((r) => r.time === lastBefore.time && r.text === lastBefore.text) &&
      v.total >= filtered.total,
    `the row seen before hiding (${lastBefore.time} ${lastBefore.text}), and no line lost (at least ${filtered.total} lines)`,
  );
  assert.strictEqual(shownAgain.filter, FILTER, 'the filter box still holds the typed filter');
  assert.ok(shownAgain.rows.every(matches), 'and the rows still pass it');
  await wb.screenshot('log-viewer-shown-again-with-its-rows-and-filter');

  // Reloaded: a new page and a new extension host; the log viewer comes back by itself.
  const reloadedAt = clock(Date.now());
  const loaded = page.waitForEvent('load', { timeout: 60_000 });
  await wb.command('Developer: Reload Window');
  await loaded;
  await wb.ready(90_000);
  await logsTab(wb).waitFor({ timeout: 60_000 });
  const restored = await waitForViewer(
    () => viewerNow(wb),
    (v) => v.rows.some((r) => matches(r) && clockDiff(reloadedAt, r.time) > 0),
    `a pynode line logged after the reload (${reloadedAt})`,
    60_000,
  );
  assert.strictEqual(restored.filter, FILTER, 'the restored viewer has its filter');
  assert.ok(restored.rows.every(matches), 'and shows only rows that pass it');
  assert.ok(
    restored.rows.every((r) => r.source.includes('pynode')),
    `only the pynode pod's lines pass "${FILTER}"`,
  );
  await wb.screenshot('log-viewer-restored-after-reload-with-its-filter-and-live-lines');

  // Home on the list, as a person reads back: the pod's history from before the reload is there too.
  await logViewer(wb).locator('.row:not([hidden])').first().click();
  await page.keyboard.press('Home');
  const top = await waitForViewer(
    () => viewerNow(wb),
    (v) => v.rows.length > 0 && clockDiff(v.rows[0].time, reloadedAt) > 0,
    `pynode lines from before the reload (${reloadedAt}) at the top of the list`,
  );
  assert.ok(top.rows.every(matches));
  await wb.screenshot('log-viewer-restored-history-from-before-the-reload');
  await page.keyboard.press('End');
}

/** Polls `read` until `ok` holds; fails with the last reading. */
function waitForViewer(read, ok, what, timeoutMs = 30_000) {
  return waitUntil(
    read,
    ok,
    (last) =>
      `the log viewer shows no ${what} within ${timeoutMs / 1000} s; it shows:\n${JSON.stringify(last, null, 1)}`,
    { timeoutMs },
  );
}
