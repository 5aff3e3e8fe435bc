// Prepare the Workflow for Test Results on the team's own workflow (suites/fixtures/teamrepo: a schedule, a
// dispatch with no inputs, pytest -v, no JUnit artifact): the proposal opens as a diff and is written only
// when accepted; the written file parses, keeps its comments, and the GitHub stand-in behind Prism, reading
// the file as GitHub reads the default branch's, accepts the tests and shards inputs it refused before.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PrepareOutcome } from '../../src/ci/prepareWorkflow';
import { shardsInput } from '../../src/core/ci/shards';
import { GitHubClient } from '../../src/core/github/client';
import { dispatchWorkflow } from '../../src/core/github/dispatch';
import { GitHubApiError } from '../../src/core/github/errors';
import { parseWorkflow } from '../../src/core/github/workflow';
import { silentLogger } from '../../src/core/logger';
import { Commands } from '../../src/ids';
import { ContractGitHub } from '../github/contract';
import { FIXTURE_WORKFLOW, fixtureRepo } from '../github/standIn';
import { activateExtension } from './helpers';
import { workspaceDir } from './djangoHelpers';

const TOKEN = 'ghp_prepareWorkflowToken0123456789';
const comments = (text: string) => text.split('\n').filter((l) => /(^|\s)#/.test(l));

describe('Prepare the Workflow for Test Results on the team workflow (stand-in GitHub behind Prism)', function () {
  this.timeout(240_000);
  let path: string;
  let original: string;
  let github: ContractGitHub | undefined;

  before(async () => {
    await activateExtension();
    path = join(workspaceDir(), '.github/workflows', FIXTURE_WORKFLOW);
    original = readFileSync(path, 'utf8');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (path) writeFileSync(path, original);
    await github?.stop();
  });

  const prepare = (answers: { shards: boolean; accept: boolean }) =>
    vscode.commands.executeCommand<PrepareOutcome>(Commands.prepareWorkflow, answers);

  it('Cancel: the diff of the file against the proposal opens, and nothing is written', async () => {
    const outcome = await prepare({ shards: true, accept: false });
    assert.equal(outcome.kind, 'cancelled', JSON.stringify(outcome));
    assert.equal(readFileSync(path, 'utf8'), original);
    const diff = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .map((t) => t.input)
      .find(
        (i): i is vscode.TabInputTextDiff =>
          i instanceof vscode.TabInputTextDiff && i.original.fsPath === path,
      );
    assert.ok(diff, 'a diff editor of the workflow file');
    const proposed = (await vscode.workspace.openTextDocument(diff.modified)).getText();
    assert.match(proposed, /fromJSON\(inputs\.shards/);
    assert.deepEqual(comments(proposed), comments(original));
  });

  it("Accept: written, parsed by the extension's reader, comments kept; the stand-in's dispatch accepts its inputs", async () => {
    github = await ContractGitHub.start({
      ...fixtureRepo(TOKEN),
      inputs: undefined,
      workflowFiles: { [FIXTURE_WORKFLOW]: path },
    });
    const client = new GitHubClient({
      baseUrl: github.url,
      token: TOKEN,
      owner: 'acme',
      repo: 'backend',
      logger: silentLogger,
    });
    const shards = shardsInput([
      { index: 1, tests: 'backend/oracles/tests/integration/test_deploy.py::test_model_sizes' },
      { index: 2, tests: 'backend/oracles/tests/integration/test_pynodes.py' },
    ]);
    const dispatch = () =>
      dispatchWorkflow({
        client,
        workflow: FIXTURE_WORKFLOW,
        branch: 'main',
        inputs: { tests: '', shards },
        logger: silentLogger,
      });
    // The team's workflow as it is takes no inputs: GitHub refuses them.
    await assert.rejects(
      dispatch(),
      (e: unknown) => e instanceof GitHubApiError && /422|Unexpected inputs/.test(e.message),
    );

    const outcome = await prepare({ shards: true, accept: true });
    assert.equal(outcome.kind, 'written', JSON.stringify(outcome));
    const text = readFileSync(path, 'utf8');
    const wf = parseWorkflow(text, FIXTURE_WORKFLOW);
    assert.equal(wf.kind, 'dispatchable', JSON.stringify(wf));
    assert.deepEqual(wf.kind === 'dispatchable' ? wf.inputs.map((i) => `${i.name}:${i.type}`) : [], [
      'tests:string',
      'shards:string',
    ]);
    assert.deepEqual(comments(text), comments(original));
    assert.match(text, /uses: actions\/upload-artifact@v4/);
    assert.match(text, /--junitxml=junit\.xml/);

    const run = await dispatch();
    assert.ok(run.runId > 0, JSON.stringify(run));
    assert.deepEqual(github.takeViolations(), [], 'Prism reported contract violations');
    // A second time: nothing left to do, nothing written.
    const again = await prepare({ shards: true, accept: true });
    assert.equal(again.kind, 'unchanged', JSON.stringify(again));
    assert.equal(readFileSync(path, 'utf8'), text);
  });
});
