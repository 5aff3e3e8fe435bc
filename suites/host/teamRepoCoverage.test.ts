import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { activateExtension } from './helpers';
import { VIEWS, viewLine, viewsCoverage } from './coverageHelpers';
import { screenshot, screenshotChannel } from './screenshots';
import { workspaceDir } from './djangoHelpers';
import { item } from './testExplorerHelpers';

const WHOAMI = 'test_views.py::test_whoami_view';
const FLAGS = 'test_views.py::test_feature_flags_view';

/**
 * The team repository as it is: its session fixture starts Django itself. The Coverage profile measures that
 * server through the plugin's Django hook, test by test, with the conftest untouched.
 */
describe('the Coverage profile on the team repository (the session-owned Django)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;

  before(async () => {
    ({ api } = await activateExtension());
    await api.testExplorer.settled();
  });

  it("the flags view's lines are covered by its test and not by whoami's; the conftest is untouched", async () => {
    const workspace = workspaceDir();
    const whoami = item(api, WHOAMI);
    const flags = item(api, FLAGS);
    const summary = await api.testExplorer.runTests([whoami, flags], { coverage: true });
    assert.strictEqual(summary.results.get(WHOAMI)?.outcome, 'passed', summary.output.slice(-3000));
    assert.strictEqual(summary.results.get(FLAGS)?.outcome, 'passed', summary.output.slice(-3000));
    assert.strictEqual(
      api.django.state.kind,
      'stopped',
      'the session owned Django: the extension started none',
    );
    const views = await viewsCoverage(api, summary, workspace, flags);
    const flagsLine = viewLine(workspace, 'return JsonResponse({"flags": FEATURE_FLAGS})');
    const whoamiLine = viewLine(workspace, 'return JsonResponse({"username": request.api_user.username})');
    assert.strictEqual(views.hit(flagsLine), true);
    assert.strictEqual(views.hit(whoamiLine), true);
    assert.strictEqual(await views.hitBy(flags, flagsLine), true);
    assert.strictEqual(await views.hitBy(whoami, flagsLine), false);
    assert.strictEqual(await views.hitBy(whoami, whoamiLine), true);
    assert.strictEqual(await views.hitBy(flags, whoamiLine), false);
    // No conftest edit, no file left in the repository by the run.
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: workspace,
      encoding: 'utf8',
    });
    assert.ok(!/conftest\.py|\.coverage/.test(status), status);
  });

  it("the editor shows the server's coverage: views.py's gutter after the run (the README's screenshot)", async function () {
    if (!screenshotChannel()) this.skip(); // a runner without a page to shoot (the desktop one)
    const workspace = workspaceDir();
    const line = viewLine(workspace, 'def feature_flags') - 4;
    const doc = await vscode.workspace.openTextDocument(join(workspace, VIEWS));
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
    await vscode.commands.executeCommand('revealLine', { lineNumber: line, at: 'top' });
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    // Covered and missed lines highlighted in the text too, where this VS Code has the toggle (off by default).
    const inline = (await vscode.commands.getCommands(true)).includes('testing.toggleInlineCoverage');
    if (inline) await vscode.commands.executeCommand('testing.toggleInlineCoverage');
    // Shot once VS Code has drawn the run's coverage in the gutter of a file only the server ran.
    try {
      assert.ok(await screenshot('server-coverage-in-the-editor', 30_000, '.coverage-deco-gutter'));
    } finally {
      // The window as the next suite expects it: no editor taking the log viewer's rows.
      if (inline) await vscode.commands.executeCommand('testing.toggleInlineCoverage');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
