// The GitHub token in a real VS Code: it goes only to GitHub, and is never shown, even when GitHub's
// answers repeat it (the stand-in behind Prism echoes it in 404, 422 and 5xx bodies and headers).
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/ids';
import type { ExtensionApi } from '../../src/extension';
import type { TriggerResult } from '../../src/ci/trigger';
import { ContractGitHub } from '../github/contract';
import { RecordingServer } from '../github/recordingServer';
import { FIXTURE_WORKFLOW, fixtureRepo, type GitHubStandIn } from '../github/standIn';
import { activateExtension, fixtureFolder, waitFor } from './helpers';
import {
  GITHUB_URL,
  ScriptedUi,
  addBareRemote,
  artifactsContaining,
  extensionLogText,
  git,
  gitExtensionSees,
  logEverything,
  setSettings,
  setToken,
  undoCiSetup,
} from './ciHelpers';

const TOKEN = 'ghp_securityHostToken0123456789';
const options = fixtureRepo(TOKEN);
const answers = { test_path: '', environment: 'staging', verbose: 'true', max_failures: '3' };

describe('CI security: where the GitHub token goes, and where it never shows', function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let github: ContractGitHub;
  let standIn: GitHubStandIn;
  let bare: string;
  let workspace: string;

  before(async () => {
    ({ api } = await activateExtension());
    await logEverything();
    workspace = process.env.FIXTURE_WORKSPACE ?? fixtureFolder().uri.fsPath;
    github = await ContractGitHub.start(options);
    bare = addBareRemote(workspace);
    // The watch on the default branch polls on its own: off here, teamRepoCi.test.ts is about it.
    await setSettings({
      'ci.watch.enabled': false,
      'ci.apiBaseUrl': github.url,
      'ci.pollIntervalSeconds': 1,
    });
    await setToken(api, TOKEN);
    git(workspace, 'checkout', '-q', 'main');
    await gitExtensionSees(fixtureFolder().uri, 'main');
  });

  after(async () => {
    await undoCiSetup(api, ['ci.watch.enabled', 'ci.apiBaseUrl', 'ci.pollIntervalSeconds']);
    await github?.stop();
    if (bare) rmSync(dirname(bare), { recursive: true, force: true });
  });

  beforeEach(async () => {
    // A reload of the CI Runs view still in flight would land on the next stand-in.
    await api.ci.runsView.refresh();
    standIn = await github.reset(options);
  });

  afterEach(() => {
    assert.deepEqual(github.takeViolations(), [], 'Prism reported contract violations');
  });

  it('answers that repeat the token (422, 5xx, 404) show it nowhere: notices, results, views, log at every level, artifacts', async () => {
    // The workflow file asks four inputs; GitHub (the stand-in) knows only one: 422, repeating the token.
    const dispatching = await github.reset({ ...options, inputs: { [FIXTURE_WORKFLOW]: ['test_path'] } });
    const ui = new ScriptedUi(answers, 'trigger');
    api.ci.setUi(ui);
    const invalid = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
    assert.equal(invalid.kind === 'failed' && invalid.failure.kind, 'invalid', JSON.stringify(invalid));
    dispatching.cue({ route: 'dispatch', status: 500, body: { message: 'Server Error' } });
    const server = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
    assert.equal(server.kind === 'failed' && server.failure.kind, 'server', JSON.stringify(server));
    // The CI Runs view asks for a workflow GitHub does not have: 404, repeating the token.
    standIn = await github.reset({ ...options, workflows: ['other.yml'] });
    await api.ci.runsView.refresh();
    const view = api.ci.runsView.state;
    assert.equal(view.kind, 'unavailable');

    const echoed = (s: GitHubStandIn) => [
      ...new Set(s.requests.filter((r) => r.echoedToken).map((r) => r.status)),
    ];
    assert.deepEqual(echoed(dispatching), [422, 500], 'the stand-in repeated the token in its 422 and 500');
    assert.deepEqual(echoed(standIn), [404], 'the stand-in repeated the token in its 404');
    assert.match(
      invalid.kind === 'failed' && invalid.failure.kind === 'invalid' ? invalid.failure.githubMessage : '',
      /request had Authorization: Bearer \*\*\*/,
      'the 422 repeated the token, and it was removed',
    );
    const shown = JSON.stringify({
      notices: ui.notices,
      results: [invalid, server],
      view,
      statusBar: [api.ci.statusBar.text, api.ci.statusBar.shown],
      errors: api.loggedErrors(),
    });
    assert.ok(!shown.includes(TOKEN), `the token was shown: ${shown}`);
    // The log at trace level: wait until it holds the last failure, then look at every line.
    const log = await waitFor('the log file to hold the 404 of the CI Runs view', () => {
      const text = extensionLogText();
      return /GET \/repos\/acme\/backend\/actions\/workflows\/integration-tests\.yml\/runs failed/.test(text)
        ? text
        : undefined;
    });
    assert.match(log, /\[debug\] \[ci\] (GET|POST) \/repos\/acme\/backend/, 'debug lines are in the log');
    assert.ok(!log.includes(TOKEN), 'the token is in no log line, at any level');
    assert.ok(log.includes('Bearer ***'), 'the repeated token was logged redacted');
    assert.deepEqual(artifactsContaining(TOKEN), [], 'no file under .artifacts/ holds the token');
  });

  it('a remote that is not GitHub: Trigger CI and the CI Runs view explain it and send nothing anywhere', async () => {
    const elsewhere = await RecordingServer.start();
    const remote = 'https://deploy:hunter2secret@git.example.org/acme/backend.git';
    git(workspace, 'remote', 'set-url', 'origin', remote);
    git(workspace, 'config', `url.${bare}.insteadOf`, remote);
    // Even with the API base URL pointing at a server that would take it, the token stays home.
    await setSettings({ 'ci.apiBaseUrl': elsewhere.url });
    try {
      const ui = new ScriptedUi(answers, 'trigger');
      api.ci.setUi(ui);
      const result = (await vscode.commands.executeCommand(Commands.triggerCi)) as TriggerResult;
      assert.equal(result.kind, 'refused', JSON.stringify(result));
      const notice = ui.notices[0]?.message ?? '';
      assert.match(
        notice,
        /^The remote origin \(https:\/\/git\.example\.org\/acme\/backend\.git\) is on git\.example\.org, which is not GitHub, so nothing was sent to it\..*`github-enterprise\.uri`/,
      );
      assert.deepEqual(ui.asked, [], 'no input was asked');
      await api.ci.runsView.refresh();
      const view = api.ci.runsView.state;
      assert.equal(view.kind, 'unavailable');
      assert.match(view.kind === 'unavailable' ? view.message : '', /which is not GitHub/);

      assert.deepEqual(elsewhere.requests, [], 'the other host got no request');
      assert.deepEqual(
        standIn.requests.filter((r) => r.headers.authorization),
        [],
        'the GitHub stand-in got no request with a token',
      );
      const shown = JSON.stringify([ui.notices, result, view]) + extensionLogText();
      assert.ok(!shown.includes('hunter2secret'), "the remote's password is never shown or logged");
    } finally {
      git(workspace, 'config', '--unset', `url.${bare}.insteadOf`);
      git(workspace, 'remote', 'set-url', 'origin', GITHUB_URL);
      git(workspace, 'config', `url.${bare}.insteadOf`, GITHUB_URL);
      await setSettings({ 'ci.apiBaseUrl': github.url });
      await elsewhere.close();
    }
  });
});
