// The UI tier on the team-repository fixture (suites/fixtures/teamrepo): its session starts its own Django,
// so the extension runs in session mode with its default settings. A stray `runserver` holds the port:
// pressing Run brings the port-conflict dialog, Kill It ends the stray and the test passes.
/* global describe, it -- mocha provides them */
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { INTEGRATION_DIR, shareUiSession, showTestRow, testRowIn } from './session.mjs';
import { waitUntilListening } from './waits.mjs';

/** A `manage.py runserver` of the workspace on `port`, as a person leaves one running in a terminal. */
async function strayRunserver(session, port) {
  const child = spawn(
    '/usr/bin/python3',
    ['backend/manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
    { cwd: session.workspace, stdio: 'ignore' },
  );
  session.ownPids.push(child.pid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await waitUntilListening(child, port, `manage.py runserver ${port}`, 60_000);
  return { child, exited };
}

describe('UI: the team repository, where the test session owns Django', function () {
  this.timeout(240_000);
  let session;
  let wb;

  shareUiSession(
    { fixture: 'team' },
    (started) => {
      session = started;
      wb = started.workbench;
    },
    { shotPrefix: 'team-' },
  );

  it('a stray runserver on the port: Run asks, Kill It ends it, and the test passes', async () => {
    const port = session.ports.django;
    const stray = await strayRunserver(session, port);
    try {
      await showTestRow(wb, INTEGRATION_DIR, 'test_deploy.py', 'test_health');
      await wb.testRowAction('test_health', 'Run Test');
      const who = `pid ${stray.child.pid} (/usr/bin/python3 backend/manage.py runserver 127.0.0.1:${port}`;
      const dialog = wb.dialog(`Port ${port} is already in use by ${who}`);
      await dialog.waitFor({ timeout: 60_000 });
      const buttons = await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts();
      assert.deepStrictEqual(buttons.map((b) => b.trim()).sort(), ['Cancel', 'Kill It']);
      assert.match(await dialog.innerText(), /test session starts its own Django/);
      await wb.screenshot('session-mode-port-conflict-dialog');
      await wb.clickDialogButton(who, 'Kill It');
      const exit = await Promise.race([
        stray.exited,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('Kill It did not end the stray within 15 s')), 15_000),
        ),
      ]);
      assert.ok(exit.signal || exit.code !== null, 'the stray runserver ended');
      const passed = testRowIn(wb, 'test_health', 'Passed');
      await passed.waitFor({ timeout: 150_000 });
      await wb.screenshot('session-mode-kill-it-then-the-test-passes');
    } finally {
      if (stray.child.exitCode === null && stray.child.signalCode === null) stray.child.kill('SIGKILL');
    }
  });
});
