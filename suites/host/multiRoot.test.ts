// Run by `run.mjs --multi-root`: two copies of the fixture codespace as the folders of one workspace.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { FolderTests } from '../../src/testing/folderTree';
import { activateExtension, waitFor } from './helpers';
import { itemsOf } from './testExplorerHelpers';

describe('multi-root workspace: each folder with integration tests has its own tests', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let folders: readonly FolderTests[];

  before(async () => {
    ({ api } = await activateExtension());
    assert.strictEqual(vscode.workspace.workspaceFolders?.length, 2, 'the window has two folders');
    await api.testExplorer.settled();
    folders = api.testExplorer.folderTests();
  });

  it('has one test controller per folder, each with that folder’s tests', async () => {
    assert.deepStrictEqual(folders.map((f) => f.folder.name).sort(), ['backend-a', 'backend-b']);
    assert.notStrictEqual(folders[0].controller.id, folders[1].controller.id);
    for (const ft of folders) {
      const items = await waitFor(`${ft.folder.name}'s tests`, () => {
        const m = itemsOf(ft);
        return m.has('test_deploy.py::test_add[1-2]') ? m : undefined;
      });
      // No item of one folder points into the other.
      for (const i of items.values()) assert.ok(i.uri?.fsPath.startsWith(ft.folder.uri.fsPath), i.id);
    }
  });

  it('runs a test of the second folder in that folder, and only it', async () => {
    const b = folders.find((f) => f.folder.name === 'backend-b')!;
    const target = itemsOf(b).get('test_deploy.py::test_add[1-2]')!;
    const summary = await api.testExplorer.runTests([target]);
    assert.deepStrictEqual([...summary.results.keys()], ['test_deploy.py::test_add[1-2]']);
    assert.strictEqual(summary.results.get('test_deploy.py::test_add[1-2]')?.outcome, 'passed');
    assert.match(summary.output, /backend-b/, 'pytest ran in the second folder');
    assert.doesNotMatch(summary.output, /backend-a/);
  });
});
