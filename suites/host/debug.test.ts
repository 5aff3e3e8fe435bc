import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { Commands } from '../../src/ids';
import type { DebugPrompts } from '../../src/debug/prompts';
import type { ServerDebugResult } from '../../src/debug/djangoServer';
import { activateExtension, waitFor } from './helpers';
import { item, itemsByNodeId, leafNodeIds } from './testExplorerHelpers';

/** Records the debug part's messages instead of showing them. */
function spyPrompts(api: ExtensionApi): { missing: string[]; errors: string[]; restore(): void } {
  const original = api.debug.prompts;
  const seen = { missing: [] as string[], errors: [] as string[] };
  const spy: DebugPrompts = {
    debugpyExtensionMissing: async (m) => void seen.missing.push(m),
    error: async (m) => void seen.errors.push(m),
  };
  api.debug.prompts = spy;
  return { ...seen, restore: () => (api.debug.prompts = original) };
}

describe('debugging (real VS Code, no Python Debugger extension installed)', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  before(async () => {
    ({ api } = await activateExtension());
    await api.testExplorer.settled();
  });

  it('the host really has no ms-python.debugpy (what the next tests rely on)', () => {
    assert.strictEqual(vscode.extensions.getExtension('ms-python.debugpy'), undefined);
  });

  it('offers a Debug profile beside Run for every test', async () => {
    const folders = api.testExplorer.folderTests();
    const profiles = api.debug.testProfiles();
    assert.ok(folders.length >= 1);
    assert.strictEqual(profiles.length, folders.length, 'one Debug profile per folder controller');
    for (const p of profiles) {
      assert.strictEqual(p.kind, vscode.TestRunProfileKind.Debug);
      assert.strictEqual(p.label, 'Debug');
      assert.strictEqual(p.isDefault, true);
      // No tag: the profile applies to every item of its controller.
      assert.strictEqual(p.tag, undefined);
    }
    const leaves = await waitFor('the test tree', () =>
      leafNodeIds(api).length >= 15 ? leafNodeIds(api) : undefined,
    );
    // The leaves carry their markers' tags (`integration`, …); a profile without a tag still takes every one.
    const items = itemsByNodeId(api);
    assert.ok(
      leaves.some((id) => items.get(id)!.tags.length > 0),
      'some leaves carry tags',
    );
  });

  it('without the debugpy extension, Debug says how to install it and the run ends (nothing started)', async () => {
    const spy = spyPrompts(api);
    try {
      const profile = api.debug.testProfiles()[0];
      const target = item(api, 'test_deploy.py::test_add[1-2]');
      const before = api.debug.testResults.length;
      const cts = new vscode.CancellationTokenSource();
      const handled = profile.runHandler(new vscode.TestRunRequest([target], undefined, profile), cts.token);
      await Promise.race([
        handled,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the Debug run did not end')), 20_000)),
      ]);
      cts.dispose();
      assert.strictEqual(spy.missing.length, 1);
      assert.match(
        spy.missing[0],
        /Python Debugger extension \(ms-python\.debugpy\).*not installed.*Install it/,
      );
      const result = api.debug.testResults[api.debug.testResults.length - 1];
      assert.strictEqual(api.debug.testResults.length, before + 1);
      assert.strictEqual(result.kind, 'debuggerMissing');
      assert.strictEqual(
        api.django.state.kind,
        'stopped',
        'Django was not started for a debug run that cannot happen',
      );
      assert.deepStrictEqual(api.loggedErrors(), []);
    } finally {
      spy.restore();
    }
  });

  it('"Debug Django Server" without the debugpy extension says so and leaves the server alone', async () => {
    const spy = spyPrompts(api);
    try {
      const result = (await vscode.commands.executeCommand(Commands.debugDjango)) as ServerDebugResult;
      assert.strictEqual(result.kind, 'debuggerMissing');
      await waitFor('the install message', () => spy.missing.length === 1);
      assert.match(spy.missing[0], /Debugging the Django server needs the Python Debugger extension/);
      assert.strictEqual(api.debug.server.state.kind, 'off');
      assert.strictEqual(api.django.state.kind, 'stopped');
    } finally {
      spy.restore();
    }
  });
});
