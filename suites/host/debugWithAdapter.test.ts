import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { Commands } from '../../src/ids';
import type { ServerDebugResult } from '../../src/debug/djangoServer';
import { activateExtension, waitFor } from './helpers';
import { installDebugpyStandIn, lineOf, StopWatcher, topFrame } from './debugHelpers';
import { freePort, migrate, setSetting, workspaceDir } from './djangoHelpers';
import { integrationDir, item, processesMentioning } from './testExplorerHelpers';

/**
 * The whole path in a real VS Code: the Debug profile and "Debug Django Server" start sessions through
 * `vscode.debug.startDebugging`, served by a stand-in of the Python Debugger extension that runs the
 * system's real debugpy adapter (this VS Code has no Marketplace to install the real one from).
 */
describe('debugging with a real debugpy adapter behind VS Code', function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let uninstall: (() => Promise<void>) | undefined;
  let stops: StopWatcher;
  /** The test's own Django database, in a folder of its own (removed after). */
  let dbDir: string | undefined;
  const errors: string[] = [];

  before(async () => {
    const activated = await activateExtension();
    api = activated.api;
    uninstall = await installDebugpyStandIn(activated.extension.extensionPath);
    stops = new StopWatcher();
    api.debug.prompts = {
      debugpyExtensionMissing: async (m) => void errors.push(m),
      error: async (m) => void errors.push(m),
    };
    dbDir = mkdtempSync(join(tmpdir(), 'cit-debug-'));
    const db = join(dbDir, 'db.sqlite3');
    await migrate(db);
    await setSetting('django.env', { DJANGO_DB_PATH: db });
    await setSetting('django.port', await freePort());
    await api.testExplorer.settled();
  });

  after(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await api.django.stop();
    stops?.dispose();
    await setSetting('django.env', undefined);
    await setSetting('django.port', undefined);
    await uninstall?.();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  it('Debug on one test stops at its breakpoint, shows a local, and the result lands in the run', async () => {
    await setSetting('django.autoStart', false);
    try {
      const file = join(integrationDir(), 'test_deploy.py');
      const line = lineOf(readFileSync(file, 'utf8'), 'assert a + b == b + a', 'def test_add');
      vscode.debug.addBreakpoints([
        new vscode.SourceBreakpoint(
          new vscode.Location(vscode.Uri.file(file), new vscode.Position(line - 1, 0)),
        ),
      ]);
      const profile = api.debug.testProfiles()[0];
      const target = item(api, 'test_deploy.py::test_add[1-2]');
      const cts = new vscode.CancellationTokenSource();
      const handled = profile.runHandler(new vscode.TestRunRequest([target], undefined, profile), cts.token);

      const stop = await stops.next((s) => s.configuration.request === 'launch');
      assert.strictEqual(stop.reason, 'breakpoint');
      const config = stop.session.configuration;
      assert.strictEqual(config.type, 'debugpy');
      assert.strictEqual(config.module, 'pytest');
      assert.strictEqual(config.python, '/usr/bin/python3');
      assert.ok(
        (config.args as string[]).some((a) => a.endsWith('test_deploy.py::test_add[1-2]')),
        String(config.args),
      );
      const frame = await topFrame(stop.session, stop.threadId);
      assert.strictEqual(frame.name, 'test_add');
      assert.strictEqual(frame.line, line);
      assert.strictEqual(frame.locals.get('a'), '1');
      await stop.session.customRequest('continue', { threadId: stop.threadId });

      await handled;
      cts.dispose();
      const last = api.debug.testResults[api.debug.testResults.length - 1];
      assert.strictEqual(last.kind, 'ran');
      const summary = last.kind === 'ran' ? last.summary : undefined;
      assert.deepStrictEqual(summary?.problems, []);
      assert.strictEqual(summary?.results.get('test_deploy.py::test_add[1-2]')?.outcome, 'passed');
      assert.deepStrictEqual(errors, []);
    } finally {
      vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
      await setSetting('django.autoStart', undefined);
    }
  });

  it('Debug Django Server: a breakpoint in a view is hit while a test runs; ending the session restores the server', async () => {
    const result = (await vscode.commands.executeCommand(Commands.debugDjango)) as ServerDebugResult;
    assert.strictEqual(result.kind, 'attached', JSON.stringify(result) + errors.join('\n'));
    const debugPid = result.kind === 'attached' ? result.serverPid : undefined;
    assert.ok(debugPid);
    const cmdline = readFileSync(`/proc/${debugPid}/cmdline`, 'utf8').split('\0');
    assert.ok(
      cmdline.includes('debugpy') && cmdline.includes('--listen') && cmdline.includes('--noreload'),
      cmdline.join(' '),
    );
    const server = await waitFor('the attach session', () =>
      vscode.debug.activeDebugSession?.configuration.request === 'attach'
        ? vscode.debug.activeDebugSession
        : undefined,
    );

    const views = join(workspaceDir(), 'backend/applications/views.py');
    const line = lineOf(readFileSync(views, 'utf8'), 'return JsonResponse({"username"', 'def whoami');
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(
        new vscode.Location(vscode.Uri.file(views), new vscode.Position(line - 1, 0)),
      ),
    ]);
    // The test itself runs under the Debug profile too: two sessions at once (the test and the server).
    const profile = api.debug.testProfiles()[0];
    const cts = new vscode.CancellationTokenSource();
    const whoami = item(api, 'test_deploy.py::TestDeployments::test_whoami');
    const handled = profile.runHandler(new vscode.TestRunRequest([whoami], undefined, profile), cts.token);
    const stop = await stops.next((s) => s === server || s.parentSession === server);
    // While the view is paused, the test's own debug session is live beside the server's.
    const live = [...stops.live];
    assert.ok(live.includes(server), 'the server session is live');
    assert.ok(
      live.some((s) => s.configuration.request === 'launch' && s.configuration.module === 'pytest'),
      `a pytest launch session is live too (live: ${live.map((s) => s.name).join(', ')})`,
    );
    const frame = await topFrame(stop.session, stop.threadId);
    assert.strictEqual(frame.name, 'whoami');
    assert.strictEqual(frame.line, line);
    assert.ok(frame.locals.has('request'));
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    await handled;
    cts.dispose();
    const last = api.debug.testResults[api.debug.testResults.length - 1];
    assert.strictEqual(last.kind, 'ran');
    const summary = last.kind === 'ran' ? last.summary : undefined;
    assert.deepStrictEqual(summary?.problems, []);
    assert.strictEqual(
      summary?.results.get('test_deploy.py::TestDeployments::test_whoami')?.outcome,
      'passed',
    );
    assert.strictEqual(
      api.debug.server.state.kind,
      'attached',
      'the server session outlived the test session',
    );

    // Stopping the session puts the normal server back (a new process, no debugpy).
    await vscode.debug.stopDebugging(server);
    await waitFor('the debug state to end', () => api.debug.server.state.kind === 'off');
    await api.debug.server.restored;
    await waitFor(
      'Django ready again',
      () => api.django.state.kind === 'ready' && api.django.server.pid !== debugPid,
    );
    const now = readFileSync(`/proc/${api.django.server.pid}/cmdline`, 'utf8');
    assert.ok(!now.includes('debugpy'), now);
    await waitFor(
      'the debug server and its adapter to be gone',
      () =>
        processesMentioning('--listen 127.0.0.1').every((p) => p !== debugPid) &&
        processesMentioning(`--port ${result.kind === 'attached' ? result.listen.port : 0}`).length === 0,
      20_000,
    );
    assert.deepStrictEqual(errors, []);
  });
});
