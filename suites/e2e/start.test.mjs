// The UI tier for `npm start`'s first impression: the extension installed as a person has it (production
// mode, no smoke-test driver), the walkthrough opening by itself, and notifications popping up as toasts:
// Trigger CI's missing-token error, whose button sets the GitHub stand-in's token, then the run passing.
/* global describe, it, before, after, afterEach -- mocha provides them */
import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { extensionHostLogs } from '../host/vscodeServer.mjs';
import { startNpmStartSession } from './session.mjs';
import { INPUTS, PICKED } from './ciSteps.mjs';
import { waitUntil } from './waits.mjs';

/** Enter on each of the fixture workflow's four input prompts (the defaults). */
async function acceptWorkflowInputs(wb) {
  for (const [i, name] of INPUTS.entries()) {
    const input = await wb.quickInputTitled(`${name} (${i + 1}/${INPUTS.length})`, 30_000);
    await wb.accept(input, { pick: PICKED.has(name) });
  }
}

/** The first match of `pattern` in the extension-host log file named `name`, once it is written. */
function waitForLogLine(session, name, pattern, timeoutMs = 30_000) {
  const read = () => {
    const file = extensionHostLogs(session.server.userDataDir).find((f) => f.endsWith(name));
    return file ? pattern.exec(readFileSync(file, 'utf8')) : null;
  };
  return waitUntil(
    read,
    (m) => Boolean(m),
    () => `no line matching ${pattern} in ${name} after ${timeoutMs} ms`,
    {
      timeoutMs,
    },
  );
}

describe('UI: npm start', function () {
  this.timeout(240_000);
  let session;
  let wb;
  let page;

  before(async () => {
    session = await startNpmStartSession();
    ({ workbench: wb, page } = session);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb)
      await wb.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
  });

  after(async () => {
    if (!session) return;
    const leftovers = await session.stop();
    assert.deepStrictEqual(leftovers, [], 'every process of the session stopped with the server');
  });

  it('npm start: the walkthrough opens by itself, beside the Testing view, with the extension installed (production mode)', async () => {
    await page
      .locator('.getting-started-category .category-title', { hasText: 'Get started with integration tests' })
      .first()
      .waitFor({ timeout: 90_000 });
    await page.locator('.getting-started-step', { hasText: 'Check the codespace' }).first().waitFor();
    await page.locator('.test-explorer').first().waitFor({ timeout: 30_000 });
    // The extension's log file is written a moment after the walkthrough shows.
    await waitForLogLine(session, 'Codespace Integration Tests.log', /activated \(Production mode\)/);
    // Another extension activates ours and sees no API: the test API (Django key, prompts) is withheld.
    const probe = await waitForLogLine(session, 'API probe.log', /probe: exports (.*)/);
    assert.strictEqual(probe[1], 'null', 'the installed extension exports nothing');
    await wb.pointerAway();
    await wb.screenshot('npm-start-first-screen');
  });

  it('npm start: Trigger CI without a token pops up a toast whose Set GitHub Token… button lets the run go to the stand-in', async () => {
    session.services.takeGitHubViolations();
    await wb.command('Codespace Tests: Trigger CI on Branch');
    await acceptWorkflowInputs(wb);
    const noToken = wb.toast('only a token you set with "Codespace Tests: Set GitHub Token…" is sent there');
    await noToken.waitFor({ timeout: 60_000 });
    assert.ok(await noToken.isVisible(), 'the error pops up as a toast, not only in the notification center');
    await wb.pointerAway();
    await wb.screenshot('npm-start-toast-trigger-ci-needs-a-token');
    await noToken.locator('.monaco-button', { hasText: 'Set GitHub Token…' }).first().click();
    const tokenBox = await wb.quickInputTitled('Set GitHub Token', 30_000);
    await tokenBox.locator('input').fill(session.services.githubToken);
    await page.keyboard.press('Enter');
    await wb.toast('GitHub token saved').waitFor({ timeout: 30_000 });

    await wb.command('Codespace Tests: Trigger CI on Branch');
    await acceptWorkflowInputs(wb);
    const passed = wb.toast(/CI run #\d+ on main passed/);
    await passed.waitFor({ timeout: 120_000 });
    assert.ok(await passed.locator('.monaco-button', { hasText: 'Open Run' }).first().isVisible());
    assert.deepStrictEqual(session.services.takeGitHubViolations(), []);
    await wb.pointerAway();
    await wb.screenshot('npm-start-toast-ci-run-passed');
  });
});
