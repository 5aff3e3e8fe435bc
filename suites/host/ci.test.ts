// "Trigger CI on Branch" in a real VS Code on the fixture codespace, against the stand-in GitHub
// behind Prism (GitHub's OpenAPI contract), with a local bare repository as the git remote.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { Commands, Views } from '../../src/ids';
import type { ExtensionApi } from '../../src/extension';
import type { TriggerResult } from '../../src/ci/trigger';
import { ContractGitHub } from '../github/contract';
import { FIXTURE_WORKFLOW, fixtureRepo, integrationJob, type GitHubStandIn } from '../github/standIn';
import { activateExtension, fixtureFolder, waitFor } from './helpers';
import {
  ScriptedUi,
  addBareRemote,
  git,
  gitExtensionSees,
  setSettings,
  setToken,
  undoCiSetup,
} from './ciHelpers';

const TOKEN = 'ghp_hostTestToken0123456789';
const WF = FIXTURE_WORKFLOW;
const options = fixtureRepo(TOKEN);
const answers = { test_path: '', environment: 'staging', verbose: 'true', max_failures: '3' };

describe('CI: Trigger CI on Branch (stand-in GitHub behind Prism)', function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let github: ContractGitHub;
  let standIn: GitHubStandIn;
  let bare: string;
  let workspace: string;

  before(async () => {
    ({ api } = await activateExtension());
    workspace = process.env.FIXTURE_WORKSPACE ?? fixtureFolder().uri.fsPath;
    github = await ContractGitHub.start(options);
    bare = addBareRemote(workspace);
    // The API base URL is application-scoped: user settings. The token goes to the secret storage.
    // The watch on the default branch polls on its own: off here, teamRepoCi.test.ts is about it.
    await setSettings({
      'ci.watch.enabled': false,
      'ci.apiBaseUrl': github.url,
      'ci.pollIntervalSeconds': 1,
    });
    await setToken(api, TOKEN);
  });

  after(async () => {
    await undoCiSetup(api, ['ci.watch.enabled', 'ci.apiBaseUrl', 'ci.pollIntervalSeconds']);
    const pid = github?.pid();
    await github?.stop();
    if (pid) assert.throws(() => process.kill(pid, 0), 'Prism is still running');
    if (bare) rmSync(dirname(bare), { recursive: true, force: true });
  });

  beforeEach(async () => {
    standIn = await github.reset(options);
  });

  afterEach(() => {
    assert.deepEqual(github.takeViolations(), [], 'Prism reported contract violations');
  });

  // The CI Runs view may still be reloading after the previous test: count only dispatches.
  const dispatches = () => standIn.requests.filter((r) => r.method === 'POST').map((r) => r.path);

  async function checkout(branch: string): Promise<void> {
    git(workspace, 'checkout', '-q', '-B', branch);
    await gitExtensionSees(fixtureFolder().uri, branch);
  }

  it('pushes a new branch, dispatches with the typed inputs, follows the run to success and lists it', async () => {
    await checkout('feature/ci-host');
    const scheduled = standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    const ui = new ScriptedUi(answers, 'push');
    api.ci.setUi(ui);
    const result = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
    assert.equal(result.kind, 'dispatched', JSON.stringify(ui.notices));
    assert.deepEqual(ui.asked, [
      'test_path:string',
      'environment:choice',
      'verbose:boolean',
      'max_failures:number',
    ]);
    assert.match(ui.choices[0]?.reason ?? '', /feature\/ci-host has no upstream/);
    // Pushed to the bare remote, with an upstream set.
    assert.equal(git(bare, 'rev-parse', 'feature/ci-host'), git(workspace, 'rev-parse', 'HEAD'));
    assert.equal(git(workspace, 'rev-parse', '--abbrev-ref', '@{u}'), 'origin/feature/ci-host');
    const dispatch = standIn.requests.find((r) => r.path.endsWith(`/actions/workflows/${WF}/dispatches`));
    assert.deepEqual(dispatch?.body, {
      ref: 'feature/ci-host',
      inputs: {
        test_path: 'backend/oracles/tests/integration',
        environment: 'staging',
        verbose: 'true',
        max_failures: '3',
      },
      return_run_details: true,
    });
    const runId = standIn.latestRunId();

    const bar = api.ci.statusBar;
    await waitFor('the status bar to show the run queued', () => /CI #\d+ queued/.test(bar.text));
    standIn.advance(runId);
    await waitFor(
      'the status bar to show the run in progress',
      () => /CI #\d+ in progress/.test(bar.text),
      30_000,
    );
    standIn.advance(runId);
    await waitFor('the status bar to show the run passed', () => /CI #\d+ passed/.test(bar.text), 30_000);
    const outcome = await api.ci.lastFollow();
    assert.equal(outcome?.kind, 'completed');
    assert.deepEqual(
      bar.shown
        .filter((t) => /queued|in progress|passed/.test(t))
        .map((t) => t.replace(/^\$\([^)]+\) CI #\d+ /, '')),
      ['queued', 'in progress', 'passed'],
    );
    const done = await waitFor('the completion notice', () =>
      ui.notices.find((n) => /passed/.test(n.message)),
    );
    assert.deepEqual(done.actions, ['Open Run']);
    assert.match(done.message, /CI run #\d+ on feature\/ci-host passed/);
    // Polls after the first carried the ETag; unchanged polls were answered 304.
    const polls = standIn.requests.filter((r) => r.path.endsWith(`/actions/runs/${runId}`));
    assert.ok(
      polls.slice(1).every((r) => r.headers['if-none-match']),
      'every poll after the first sent If-None-Match',
    );

    // The view refreshes itself when the run completes: no refresh is asked for here.
    await waitFor('the CI Runs view to list the completed run', () => {
      const s = api.ci.runsView.state;
      return s.kind === 'loaded' && s.groups[0].runs.some((r) => r.id === runId && r.status === 'completed');
    });
    const state = api.ci.runsView.state;
    assert.equal(state.kind, 'loaded');
    if (state.kind === 'loaded') {
      assert.deepEqual(
        state.groups.map((g) => g.label),
        ['This branch: feature/ci-host', 'Default branch: main'],
      );
      assert.deepEqual(
        state.groups[1].runs.map((r) => [r.id, r.event, r.conclusion]),
        [[scheduled, 'schedule', 'failure']],
      );
    }
    // The view is contributed and this provider fills it when opened.
    await vscode.commands.executeCommand(`${Views.ciRuns}.focus`);
    await waitFor('the CI Runs view to be visible', () => api.ci.runsView.visible);
    await vscode.commands.executeCommand(
      Commands.openCiRun,
      `https://github.com/acme/backend/actions/runs/${runId}`,
    );
    assert.deepEqual(ui.opened, [`https://github.com/acme/backend/actions/runs/${runId}`]);
    // Only https pages on github.com are opened, whatever a server's answer says.
    for (const url of [
      'https://evil.example/acme/backend',
      'http://github.com/acme',
      'command:workbench.action.terminal.new',
    ])
      await vscode.commands.executeCommand(Commands.openCiRun, url);
    assert.equal(ui.opened.length, 1, `nothing else was opened: ${ui.opened.join(', ')}`);
    assert.match(
      ui.notices.find((n) => n.message.startsWith('Not opening https://evil.example'))?.message ?? '',
      /only https pages on github\.com/,
    );
  });

  it('unpushed commits: Trigger Anyway dispatches without pushing; a failed run names the failed job and step', async () => {
    await checkout('feature/ci-host');
    git(workspace, 'commit', '-q', '--allow-empty', '-m', 'local only');
    const remoteBefore = git(bare, 'rev-parse', 'feature/ci-host');
    standIn.plan = { conclusion: 'failure', jobs: [integrationJob('failure')] };
    const ui = new ScriptedUi(answers, 'trigger');
    api.ci.setUi(ui);
    const result = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
    assert.equal(result.kind, 'dispatched', JSON.stringify(ui.notices));
    assert.match(ui.choices[0]?.reason ?? '', /has 1 commit not pushed to origin\/feature\/ci-host/);
    assert.equal(ui.choices[0]?.canPush, true);
    assert.equal(git(bare, 'rev-parse', 'feature/ci-host'), remoteBefore, 'nothing was pushed');
    const runId = standIn.latestRunId();
    standIn.advance(runId);
    standIn.advance(runId);
    await api.ci.lastFollow();
    await waitFor('the status bar to show the failure', () => /CI #\d+ failed/.test(api.ci.statusBar.text));
    const notice = await waitFor('the failure notice', () => ui.notices.find((n) => n.level === 'error'));
    assert.match(
      notice.message,
      /CI run #\d+ on feature\/ci-host failed after \d+s\. Failed: integration \(Run integration tests\)\./,
    );
    assert.deepEqual(notice.actions, ['Open Run', 'Re-run Failed Jobs', 'Open Logs']);
  });

  it('Escape at an input cancels cleanly; Cancel at the push choice too; nothing is dispatched', async () => {
    await checkout('feature/ci-host');
    const escape = new ScriptedUi({ test_path: '', environment: 'staging' }, 'push');
    api.ci.setUi(escape);
    const r1 = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
    assert.deepEqual(r1, { kind: 'cancelled', at: 'input' });
    assert.deepEqual(escape.asked, ['test_path:string', 'environment:choice', 'verbose:boolean']);
    const cancel = new ScriptedUi(answers, 'cancel');
    api.ci.setUi(cancel);
    const r2 = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
    assert.deepEqual(r2, { kind: 'cancelled', at: 'push' });
    assert.deepEqual(dispatches(), [], 'nothing was dispatched');
    assert.deepEqual([...escape.notices, ...cancel.notices], []);
  });

  it('a detached HEAD is refused with its reason', async () => {
    git(workspace, 'checkout', '-q', '--detach');
    await gitExtensionSees(fixtureFolder().uri, undefined);
    const ui = new ScriptedUi(answers, 'push');
    api.ci.setUi(ui);
    const result = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
    assert.equal(result.kind, 'refused');
    assert.match(
      ui.notices[0]?.message ?? '',
      /HEAD is detached at [0-9a-f]{7}, and CI runs a branch\. Check out a branch/,
    );
    assert.deepEqual(ui.asked, []);
    assert.deepEqual(dispatches(), []);
  });

  it('an invalid token gives the 401 path, and the token is never shown', async () => {
    await checkout('main');
    const bad = 'ghp_revokedToken9876543210';
    await setToken(api, bad);
    try {
      const ui = new ScriptedUi(answers, 'trigger');
      api.ci.setUi(ui);
      const result = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
      assert.equal(result.kind, 'failed');
      assert.equal(result.kind === 'failed' && result.failure.kind, 'unauthorized');
      const notice = ui.notices[0];
      assert.equal(notice?.level, 'error');
      assert.match(
        notice.message,
        /GitHub did not accept the token \(401 Bad credentials\)\..*set with "Set GitHub Token…": set a new one/,
      );
      assert.ok(
        !JSON.stringify(ui.notices).includes(bad) && !JSON.stringify(result).includes(bad),
        'the token appears in no notice or result',
      );
      assert.ok(!api.loggedErrors().some((l) => l.includes(bad)), 'the token appears in no logged error');
      assert.equal(standIn.requests.find((r) => r.path.endsWith('/dispatches'))?.status, 401);
      assert.equal(api.ci.statusBar.status.kind, 'hidden');
    } finally {
      await setToken(api, TOKEN);
    }
  });
});
