import * as assert from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { activateExtension, waitFor } from './helpers';
import { viewLine, viewsCoverage } from './coverageHelpers';
import { freePort, migrate, setSetting, SYSTEM_PYTHON, workspaceDir } from './djangoHelpers';
import { item } from './testExplorerHelpers';

const WHOAMI = 'test_deploy.py::TestDeployments::test_whoami';
const CREATE = 'test_deploy.py::test_create_and_delete_application';

/** The environment of a running process (Linux). */
function environOf(pid: number): string {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').replace(/\0/g, '\n');
}

describe('the Coverage profile in shared mode: the managed Django restarted under coverage.py for the run', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let workspace: string;

  before(async () => {
    ({ api } = await activateExtension());
    workspace = workspaceDir();
    await migrate();
    await setSetting('django.port', await freePort());
    await api.testExplorer.settled();
  });
  after(async () => {
    await api.django.stop();
    await setSetting('django.port', undefined);
  });

  it("a view's lines: covered by the test that calls it, not by the other; the server back without coverage after", async () => {
    const mode = await api.django.mode.choose();
    assert.strictEqual(mode.mode, 'shared', mode.reason);
    const whoami = item(api, WHOAMI);
    const create = item(api, CREATE);
    const summary = await api.testExplorer.runTests([whoami, create], { coverage: true });
    assert.strictEqual(summary.results.get(WHOAMI)?.outcome, 'passed', summary.output.slice(-3000));
    assert.strictEqual(summary.results.get(CREATE)?.outcome, 'passed', summary.output.slice(-3000));
    const views = await viewsCoverage(api, summary, workspace, whoami);
    const whoamiLine = viewLine(workspace, 'return JsonResponse({"username": request.api_user.username})');
    const createLine = viewLine(workspace, 'app = Application.objects.create(name=name.strip(), owner=user)');
    const neverLine = viewLine(workspace, 'FEATURE_FLAGS.update(');
    // The whole run: both views ran in the server (not in pytest), the flags view never did.
    assert.strictEqual(views.hit(whoamiLine), true);
    assert.strictEqual(views.hit(createLine), true);
    assert.strictEqual(views.hit(neverLine), false);
    assert.ok(views.file.statementCoverage.covered < views.file.statementCoverage.total);
    assert.ok(views.file.branchCoverage && views.file.branchCoverage.total > 0, 'branches measured');
    // Test by test.
    assert.deepStrictEqual(views.file.includesTests?.map((t) => t.id).sort(), [create.id, whoami.id].sort());
    assert.strictEqual(await views.hitBy(whoami, whoamiLine), true);
    assert.strictEqual(await views.hitBy(create, whoamiLine), false);
    assert.strictEqual(await views.hitBy(create, createLine), true);
    assert.strictEqual(await views.hitBy(whoami, createLine), false);
    // Back as configured: a server without coverage.py's start-up.
    await waitFor('the managed Django to be ready again', () => api.django.state.kind === 'ready', 60_000);
    const state = api.django.state;
    const pid = state.kind === 'ready' ? state.pid : undefined;
    assert.ok(pid);
    assert.ok(!/COVERAGE_PROCESS_START/.test(environOf(pid)), 'started without coverage.py');
  });

  it("without coverage.py in the tests' Python: the run says so, names the command that adds it, and runs nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cit-nocov-'));
    mkdirSync(join(dir, 'coverage'));
    writeFileSync(join(dir, 'coverage/__init__.py'), 'raise ImportError("No module named \'coverage\'")\n');
    const python = join(dir, 'python');
    writeFileSync(
      python,
      `#!/bin/sh\nPYTHONPATH=${dir}\${PYTHONPATH:+:$PYTHONPATH} exec ${SYSTEM_PYTHON} "$@"\n`,
    );
    chmodSync(python, 0o755);
    // The fixture's own value (its .vscode/settings.json) comes back after: the suites after this one use it.
    const before = vscode.workspace
      .getConfiguration('codespaceTests')
      .inspect<string>('python.interpreter')?.workspaceValue;
    await setSetting('python.interpreter', python);
    try {
      const summary = await api.testExplorer.runTests([item(api, WHOAMI)], { coverage: true });
      assert.match(summary.coverage?.problem ?? '', /coverage\.py is not installed in the tests' Python/);
      assert.ok(
        summary.problems[0]?.includes(`Add it with: ${python} -m pip install coverage`),
        summary.problems[0],
      );
      assert.strictEqual(summary.results.size, 0, 'no test ran');
      assert.ok(summary.output.includes('-m pip install coverage'), 'said in the run');
    } finally {
      await setSetting('python.interpreter', before);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
