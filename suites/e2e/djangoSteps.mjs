// UI steps of the managed Django: its status bar item and menu, and the port-conflict prompt.
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { waitUntilListening } from './waits.mjs';

const DJANGO_ITEM = /^Django: /;

/** The Django status bar item. */
export function djangoItem(wb) {
  return wb.statusBarItem('Django: ');
}

/** Clicks the Django status bar item and picks `action` ("Start Django", "Stop Django") in its menu. */
export async function djangoMenu(wb, action) {
  await wb.page.keyboard.press('Escape');
  await djangoItem(wb).click();
  await wb.quickInputTitled('Django (');
  await wb.pick(action);
}

/** Stops Django from its menu unless the item already says stopped; resolves once it says so. */
export async function ensureDjangoStopped(wb) {
  const item = djangoItem(wb);
  await item.waitFor({ timeout: 30_000 });
  // Starting finishes first: its menu offers Stop too, but the item then says ready before stopped.
  await wb.page
    .locator('.part.statusbar .statusbar-item', { hasText: /Django: (stopped|crashed|\d)/ })
    .first()
    .waitFor({ timeout: 60_000 });
  if (/stopped|crashed/.test(await item.innerText())) return;
  await djangoMenu(wb, 'Stop Django');
  await wb.statusBarItem('Django: stopped').waitFor({ timeout: 30_000 });
}

/** The status bar goes stopped -> starting -> ready with the URL, after "Start Django" from its menu. */
export async function djangoStoppedToReady(session) {
  const wb = session.workbench;
  await ensureDjangoStopped(wb);
  await wb.clearNotifications();
  const rec = await wb.recordStatusBar(DJANGO_ITEM);
  await wb.screenshot('django-status-stopped');
  await djangoMenu(wb, 'Start Django');
  const url = `127.0.0.1:${session.ports.django}`;
  await wb.statusBarItem(`Django: ${url}`).waitFor({ timeout: 90_000 });
  const seen = await rec.stop();
  assert.deepStrictEqual(
    seen,
    ['Django: stopped', 'Django: starting', `Django: ${url}`],
    'the item went stopped -> starting -> ready with the URL',
  );
  await wb.pointerAway();
  await wb.screenshot('django-status-ready-with-url');
}

/** A foreign server on `port`: `/usr/bin/python3 -m http.server`, listening when this resolves. */
async function startForeignServer(session, port) {
  const child = spawn('/usr/bin/python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], {
    cwd: tmpdir(),
    stdio: 'ignore',
  });
  session.ownPids.push(child.pid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await waitUntilListening(child, port, `python3 -m http.server ${port}`, 15_000);
  return { child, exited };
}

/**
 * With a foreign `python3 -m http.server` on Django's port, "Start Django" asks in a modal dialog who holds
 * the port (pid and command line) and offers Kill It / Cancel (not Reuse: it is no Django). Cancel leaves
 * the server alone and says Django was not started; a second start with Kill It ends that server and Django
 * gets ready.
 */
export async function portConflictPrompt(session) {
  const wb = session.workbench;
  const port = session.ports.django;
  await ensureDjangoStopped(wb);
  await wb.clearNotifications();
  const foreign = await startForeignServer(session, port);
  try {
    const who = `pid ${foreign.child.pid} (/usr/bin/python3 -m http.server ${port}`;
    await djangoMenu(wb, 'Start Django');
    const dialog = wb.dialog(`Port ${port} is already in use by ${who}`);
    await dialog.waitFor({ timeout: 30_000 });
    const buttons = await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts();
    assert.deepStrictEqual(
      buttons.map((b) => b.trim()).sort(),
      ['Cancel', 'Kill It'],
      'Kill It and Cancel; no Reuse It for a server that is not Django',
    );
    assert.match(await dialog.innerText(), /not a Django answering the health URL/);
    await wb.screenshot('port-conflict-dialog-names-the-process');

    await wb.clickDialogButton(who, 'Cancel');
    await wb.waitForNotification(`Django was not started: port ${port} is in use by ${who}`);
    assert.strictEqual(foreign.child.exitCode, null, 'Cancel leaves the foreign server running');
    assert.match(await djangoItem(wb).innerText(), /Django: (stopped|crashed)/);
    await wb.screenshot('port-conflict-cancel-says-not-started');

    await wb.clearNotifications();
    await djangoMenu(wb, 'Start Django');
    await wb.clickDialogButton(who, 'Kill It');
    const exit = await Promise.race([
      foreign.exited,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('Kill It did not end the foreign server within 15 s')), 15_000),
      ),
    ]);
    assert.ok(exit.signal || exit.code !== null, 'the foreign server ended');
    await wb.statusBarItem(`Django: 127.0.0.1:${port}`).waitFor({ timeout: 90_000 });
    await wb.pointerAway();
    await wb.screenshot('port-conflict-kill-then-django-ready');
  } finally {
    if (foreign.child.exitCode === null && foreign.child.signalCode === null) foreign.child.kill('SIGKILL');
  }
}
