import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { windowPrompts } from '../../src/django/prompts';
import { activateExtension, waitFor } from './helpers';
import { installDebugpyStandIn, lineOf, StopWatcher, topFrame } from './debugHelpers';
import { workspaceDir } from './djangoHelpers';
import { integrationDir, item, itemsByNodeId } from './testExplorerHelpers';

/**
 * Session mode on the team repository: the test session starts its own runserver, so the server is a child of
 * the debugged pytest. debugpy follows children (`subProcess`, on by default in the Debug profile), and the
 * Python Debugger extension attaches each one: a breakpoint in a view is hit in the session's own Django.
 */
describe('the team repository: debugging a test reaches the session’s own Django (session mode)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let uninstall: (() => Promise<void>) | undefined;
  let stops: StopWatcher;

  before(async () => {
    const activated = await activateExtension();
    api = activated.api;
    api.django.prompts = {
      ...windowPrompts,
      notify: () => undefined,
      sessionPortConflict: async () => 'cancel',
    };
    api.django.mode.notice = async () => "Don't Show Again";
    uninstall = await installDebugpyStandIn(activated.extension.extensionPath);
    stops = new StopWatcher();
    await api.testExplorer.settled();
  });
  after(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    stops?.dispose();
    api.django.prompts = windowPrompts;
    await uninstall?.();
  });

  it('Debug on a test stops at a breakpoint in a view served by the runserver the session started', async () => {
    assert.strictEqual((await api.django.mode.choose()).mode, 'session');
    const views = join(workspaceDir(), 'backend/applications/views.py');
    const line = lineOf(readFileSync(views, 'utf8'), 'return JsonResponse({"username"', 'def whoami');
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(
        new vscode.Location(vscode.Uri.file(views), new vscode.Position(line - 1, 0)),
      ),
    ]);
    const profile = api.debug.testProfiles()[0];
    const cts = new vscode.CancellationTokenSource();
    // The team's client gives up after 10 s; a person paused at a breakpoint takes longer, and so may a busy machine.
    const probe = join(integrationDir(), 'test_debug_probe.py');
    writeFileSync(
      probe,
      [
        'def test_whoami_paused(api):',
        '    assert api.get("/api/whoami/", timeout=300).status_code == 200',
        '',
      ].join('\n'),
    );
    const id = 'test_debug_probe.py::test_whoami_paused';
    await waitFor('the probe in the tree', () => itemsByNodeId(api).has(id));
    const whoami = item(api, id);
    const handled = profile.runHandler(new vscode.TestRunRequest([whoami], undefined, profile), cts.token);
    // The stop comes in a child session: the session's runserver, attached through the adapter.
    const stop = await stops.next((s) => s.configuration.request === 'attach', 90_000);
    const frame = await topFrame(stop.session, stop.threadId);
    assert.strictEqual(frame.name, 'whoami');
    assert.strictEqual(frame.line, line);
    assert.ok(stop.session.parentSession, 'a child of the test’s own debug session');
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    await handled;
    cts.dispose();
    const last = api.debug.testResults[api.debug.testResults.length - 1];
    assert.strictEqual(last.kind, 'ran');
    const summary = last.kind === 'ran' ? last.summary : undefined;
    rmSync(probe, { force: true });
    assert.strictEqual(
      summary?.results.get(id)?.outcome,
      'passed',
      `${summary?.problems.join('\n')}\n${summary?.output.slice(-3000)}`,
    );
  });
});
