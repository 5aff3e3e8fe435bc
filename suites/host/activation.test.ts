import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/ids';
import type { ExtensionApi } from '../../src/extension';
import { activateExtension, fixtureFolder, waitFor } from './helpers';
import { screenshot, screenshotChannel } from './screenshots';

describe('activation in the fixture codespace', () => {
  let api: ExtensionApi;

  before(async () => {
    const activated = await activateExtension();
    assert.strictEqual(activated.extension.isActive, true);
    api = activated.api;
  });

  it('registers every command declared in package.json', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = Object.values(Commands).filter((c) => !all.has(c));
    assert.deepStrictEqual(
      missing,
      [],
      `commands declared in package.json but not registered: ${missing.join(', ')}`,
    );
  });

  it('registers one test controller for the fixture folder, with its tests', async () => {
    const folders = api.testExplorer.folderTests();
    assert.strictEqual(folders.length, 1);
    assert.strictEqual(folders[0].folder.uri.fsPath, fixtureFolder().uri.fsPath);
    await waitFor('the static read', () => folders[0].controller.items.size > 0, 15_000);
  });

  it('logs nothing as an error', () => {
    assert.deepStrictEqual(api.loggedErrors(), []);
  });

  // What can be checked of the workbench itself depends on the runner: the server host (run.mjs) can
  // shoot its page; the desktop runner (desktop.mjs) cannot, and checks that the view opens.
  if (screenshotChannel()) {
    it('shows the workbench with the fixture codespace open (screenshot)', async () => {
      await vscode.commands.executeCommand('workbench.view.testing.focus');
      // The Testing view renders its tree after it gains focus: shoot once a test row shows.
      const shot = await screenshot('activated-testing-view', 30_000, '.test-explorer .monaco-list-row');
      assert.ok(shot, 'a screenshot of the workbench is saved');
    });
  } else {
    it('opens the Testing view on the fixture codespace', async () => {
      await assert.doesNotReject(
        Promise.resolve(vscode.commands.executeCommand('workbench.view.testing.focus')),
      );
      assert.deepStrictEqual(
        vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath),
        [fixtureFolder().uri.fsPath],
      );
    });
  }
});
