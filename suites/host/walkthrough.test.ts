import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/ids';
import type { ExtensionApi } from '../../src/extension';
import type { Milestone } from '../../src/walkthrough/register';
import { activateExtension, EXTENSION_ID, waitFor } from './helpers';
import { item, useFixtureSettings } from './testExplorerHelpers';

describe('walkthrough "Get started with integration tests": steps complete on the real events', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  useFixtureSettings(() => api);

  const reached = (m: Milestone) => waitFor(`the milestone ${m}`, () => api.walkthrough.reached.has(m));

  it('checking the codespace, running a test and opening the log viewer set their context keys', async () => {
    const fired: Milestone[] = [];
    const sub = api.walkthrough.onDidReach((m) => fired.push(m));
    try {
      await vscode.commands.executeCommand(Commands.checkCodespace);
      await reached('checkedCodespace');
      const summary = await api.testExplorer.runTests([
        item(api, 'test_deploy.py::TestDeployments::test_whoami'),
      ]);
      assert.deepStrictEqual(summary.problems, []);
      await reached('ranTest');
      await vscode.commands.executeCommand(Commands.openLogViewer);
      await reached('openedLogViewer');
    } finally {
      sub.dispose();
    }
    // Each key is set once per window: a milestone reached before this test is not announced again.
    assert.strictEqual(new Set(fired).size, fired.length);
  });

  it('the walkthrough opens from its id', async () => {
    await vscode.commands.executeCommand(
      'workbench.action.openWalkthrough',
      `${EXTENSION_ID}#getStarted`,
      false,
    );
    const tab = await waitFor('the walkthrough tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Welcome|Walkthrough/i.test(t.label)),
    );
    assert.ok(tab.isActive, `the walkthrough tab "${tab.label}" is active`);
  });
});
