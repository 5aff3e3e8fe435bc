// The UI tier for Check Codespace and the walkthrough: the Codespace view with a failing check and its fix
// (its picture is the README's), and the walkthrough opened as a person opens it.
/* global describe, it -- mocha provides them */
import { join } from 'node:path';
import { e2eArtifacts, shareUiSession } from './session.mjs';

describe('UI: Check Codespace and the walkthrough', function () {
  this.timeout(180_000);
  let wb;
  let page;

  shareUiSession(
    {
      devServices: true,
      settings: () => ({
        // A pynode label nothing in the stand-in has: the view shows a failing check and its fix.
        'codespaceTests.doctor.pynodeSelector': 'app=pynode-of-baseten',
      }),
    },
    (session) => ({ workbench: wb, page } = session),
  );

  it('Check Codespace: the Codespace view shows a failing check with its fix under it', async () => {
    await wb.command('Codespace Tests: Check Codespace');
    // Pods and CI Runs folded, so the Codespace view has the height of the side bar: its list renders only the
    // rows in view, and the cluster's checks and the fix sit below a dozen others.
    await page
      .locator('.pane-header', { hasText: /^Codespace/ })
      .first()
      .waitFor({ timeout: 60_000 });
    for (const name of ['Pods', 'CI Runs']) {
      const header = page.locator('.pane-header[aria-expanded="true"]', { hasText: name }).first();
      if (await header.count()) await header.click();
    }
    const failing = page.locator('.monaco-list-row[aria-label^="Pynode Running and Ready, fail"]');
    await failing.waitFor({ timeout: 60_000 });
    await page.locator('.monaco-list-row', { hasText: 'Fix: Create the baseten user' }).waitFor();
    await page.locator('.monaco-list-row[aria-label^="Cluster reachable, ok"]').waitFor();
    await wb.pointerAway();
    const pane = page
      .locator('.pane')
      .filter({ has: page.locator('.pane-header', { hasText: /^Codespace/ }) })
      .first();
    await wb.screenshot('codespace-view');
    await pane.screenshot({ path: join(e2eArtifacts, 'codespace-view-pane.png') });
  });

  it('the walkthrough "Get started with integration tests" opens from the palette', async () => {
    await wb.command('Welcome: Open Walkthrough...');
    await wb.type('Get started with integration tests');
    const title = page.locator('.getting-started-category .category-title', {
      hasText: 'Get started with integration tests',
    });
    await title.first().waitFor({ timeout: 30_000 });
    await page.locator('.getting-started-step', { hasText: 'Check the codespace' }).first().waitFor();
    await wb.screenshot('walkthrough');
  });
});
