// CI results in the Test Explorer, in a real VS Code on the fixture codespace: "Run on CI" for one test and a
// class (pass, fail, not run, cancel, a sharded report) and "Show Results of CI Run", against the stand-in
// GitHub behind Prism. The JUnit reports are written by real pytest on a copy of the fixture.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import * as vscode from 'vscode';
import { freePort } from '../unit/support';
import type { CiTestRunResult } from '../../src/ci/runOnCi';
import type { ShowResultsOutcome } from '../../src/ci/showResults';
import type { PrepareOutcome } from '../../src/ci/prepareWorkflow';
import type { RunSummary } from '../../src/testing/testRunner';
import type { ExtensionApi } from '../../src/extension';
import { Commands } from '../../src/ids';
import { ContractGitHub } from '../github/contract';
import { pytestJobLog, pytestJUnit } from '../github/junitReport';
import {
  FIXTURE_WORKFLOW,
  fixtureRepo,
  integrationJob,
  type GitHubStandIn,
  type StoredArtifact,
} from '../github/standIn';
import {
  ScriptedUi,
  addBareRemote,
  git,
  gitExtensionSees,
  setSettings,
  setToken,
  undoCiSetup,
} from './ciHelpers';
import { activateExtension, fixtureFolder, waitFor } from './helpers';
import { INTEGRATION_DIR, item } from './testExplorerHelpers';

const TOKEN = 'ghp_ciResultsToken0123456789';
const options = fixtureRepo(TOKEN);
const FILE = 'test_deploy.py';

/** Clicks the one action a notice offers (the offer of a failed scheduled run's results). */
class ClickingUi extends ScriptedUi {
  override async notify(level: 'info' | 'warning' | 'error', message: string, actions: string[]) {
    await super.notify(level, message, actions);
    return actions[0];
  }
}

describe('CI results in the Test Explorer (stand-in GitHub behind Prism)', function () {
  this.timeout(300_000);
  let api: ExtensionApi;
  let github: ContractGitHub;
  let standIn: GitHubStandIn;
  let bare: string;
  let workspace: string;
  let rootdir: string;
  let copy: string;
  const reports: Record<string, string> = {};

  /** Real pytest's JUnit report for `ids`, run from the repository root as the workflow runs it. */
  function report(ids: string[], port: number, env: Record<string, string> = {}): string {
    const out = join(copy, `report-${Object.keys(reports).length}.xml`);
    pytestJUnit(
      copy,
      ['-c', `${INTEGRATION_DIR}/pytest.ini`, ...ids.map((i) => `${INTEGRATION_DIR}/${i}`)],
      out,
      // The session's own Django on a free port: another Django on 8000 must not turn the report into errors.
      { INTEGRATION_DJANGO_PORT: String(port), ...env },
    );
    return readFileSync(out, 'utf8');
  }
  const artifact = (name: string, ...xml: string[]): Omit<StoredArtifact, 'id'> => ({
    name,
    zip: zipSync(Object.fromEntries(xml.map((x, i) => [`junit-${i}.xml`, strToU8(x)]))),
  });

  before(async () => {
    ({ api } = await activateExtension());
    workspace = process.env.FIXTURE_WORKSPACE ?? fixtureFolder().uri.fsPath;
    rootdir = join(workspace, INTEGRATION_DIR);
    copy = mkdtempSync(join(tmpdir(), 'cit-ci-results-'));
    cpSync(workspace, copy, {
      recursive: true,
      filter: (s) => !s.includes('.git') && !s.includes('__pycache__'),
    });
    const port = await freePort();
    reports.sizes = report([`${FILE}::test_model_sizes`], port);
    reports.fail = report([`${FILE}::test_fails_on_demand`], port, { FAIL_ON_DEMAND: '1' });
    reports.failPasses = report([`${FILE}::test_fails_on_demand`], port);
    reports.cls = report([`${FILE}::TestDeployments`], port);
    reports.add = report([`${FILE}::test_add`], port);
    reports.names = report(['test_pynodes.py::test_unique_names_differ'], port);
    github = await ContractGitHub.start(options);
    bare = addBareRemote(workspace);
    // The watch on the default branch polls on its own: off here, teamRepoCi.test.ts is about it.
    await setSettings({
      'ci.watch.enabled': false,
      'ci.apiBaseUrl': github.url,
      'ci.pollIntervalSeconds': 1,
    });
    await setToken(api, TOKEN);
    git(workspace, 'checkout', '-q', '-B', 'feature/ci-results');
    await gitExtensionSees(fixtureFolder().uri, 'feature/ci-results');
    await api.testExplorer.settled();
  });

  after(async () => {
    await undoCiSetup(api, ['ci.watch.enabled', 'ci.apiBaseUrl', 'ci.pollIntervalSeconds']);
    await github?.stop();
    if (bare) rmSync(dirname(bare), { recursive: true, force: true });
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  beforeEach(async () => {
    standIn = await github.reset(options);
    api.ci.setUi(new ScriptedUi({}, 'push'));
  });
  afterEach(() => {
    assert.deepEqual(github.takeViolations(), [], 'Prism reported contract violations');
  });

  const dispatches = () => standIn.requests.filter((r) => r.path.endsWith('/dispatches'));
  const byNodeId = (r: CiTestRunResult) =>
    r.kind === 'reported'
      ? Object.fromEntries(r.results.map((x) => [x.id.slice(rootdir.length + 1), x.outcome]))
      : {};

  /** Runs `nodeids` with the Run on CI profile; GitHub's run moves to completed once it is dispatched. */
  async function runOnCi(nodeids: string[], opts: { cancel?: boolean } = {}): Promise<CiTestRunResult> {
    const items = nodeids.map((id) => item(api, id));
    const profile = api.ciTests.profiles()[0];
    const cts = new vscode.CancellationTokenSource();
    const before = api.ciTests.runs.length;
    const handled = profile.runHandler(new vscode.TestRunRequest(items, undefined, profile), cts.token);
    await waitFor('the dispatch', () => dispatches().length === 1, 60_000);
    const runId = standIn.latestRunId();
    standIn.advance(runId);
    if (opts.cancel) {
      await waitFor('a poll of the run in progress', () =>
        standIn.requests.some((r) => r.path.endsWith(`/runs/${runId}`) && r.method === 'GET'),
      );
      cts.cancel();
    } else standIn.advance(runId);
    await handled;
    cts.dispose();
    assert.equal(api.ciTests.runs.length, before + 1);
    return api.ciTests.runs[api.ciTests.runs.length - 1];
  }

  it('one test: dispatches its id from the repository root, and it passes with every case', async () => {
    standIn.plan = {
      conclusion: 'success',
      jobs: [integrationJob('success')],
      artifacts: [artifact('junit', reports.sizes)],
    };
    const result = await runOnCi([`${FILE}::test_model_sizes`]);
    assert.deepEqual(dispatches()[0].body, {
      ref: 'feature/ci-results',
      inputs: { test_path: `${INTEGRATION_DIR}/${FILE}::test_model_sizes` },
      return_run_details: true,
    });
    assert.deepEqual(byNodeId(result), {
      [`${FILE}::test_model_sizes[s]`]: 'passed',
      [`${FILE}::test_model_sizes[m]`]: 'passed',
      [`${FILE}::test_model_sizes[l]`]: 'passed',
    });
  });

  it('a class: both its tests pass (run by real pytest with Django)', async () => {
    standIn.plan = {
      conclusion: 'success',
      jobs: [integrationJob('success')],
      artifacts: [artifact('junit', reports.cls)],
    };
    const result = await runOnCi([`${FILE}::TestDeployments`]);
    assert.equal(
      (dispatches()[0].body as { inputs: Record<string, string> }).inputs.test_path,
      `${INTEGRATION_DIR}/${FILE}::TestDeployments`,
    );
    assert.deepEqual(byNodeId(result), {
      [`${FILE}::TestDeployments::test_list_starts_empty_for_new_name`]: 'passed',
      [`${FILE}::TestDeployments::test_whoami`]: 'passed',
    });
  });

  it('a failing test fails with its message', async () => {
    standIn.plan = {
      conclusion: 'failure',
      jobs: [integrationJob('failure')],
      artifacts: [artifact('junit', reports.fail)],
    };
    const result = await runOnCi([`${FILE}::test_fails_on_demand`]);
    assert.equal(result.kind, 'reported');
    const [r] = result.kind === 'reported' ? result.results : [];
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /FAIL_ON_DEMAND is set/);
  });

  it("a failed Run on CI's notice: Re-run Failed Jobs re-runs them on GitHub, and a new test run gets the new attempt's report", async () => {
    standIn.plan = {
      conclusion: 'failure',
      jobs: [integrationJob('failure')],
      artifacts: [artifact('junit', reports.fail)],
    };
    const ui = new ClickingUi({}, 'push');
    api.ci.setUi(ui);
    const test = item(api, `${FILE}::test_fails_on_demand`);
    const profile = api.ciTests.profiles()[0];
    const before = api.ciTests.runs.length;
    const cts = new vscode.CancellationTokenSource();
    const handled = profile.runHandler(new vscode.TestRunRequest([test], undefined, profile), cts.token);
    await waitFor('the dispatch', () => dispatches().length === 1, 60_000);
    const runId = standIn.latestRunId();
    // What the re-run will bring: the test passes this time.
    standIn.plan = {
      conclusion: 'success',
      jobs: [integrationJob('success')],
      artifacts: [artifact('junit', reports.failPasses)],
    };
    standIn.advance(runId);
    standIn.advance(runId);
    await handled;
    const first = api.ciTests.runs[before];
    assert.equal(byNodeId(first)[`${FILE}::test_fails_on_demand`], 'failed');
    const notice = await waitFor('the failed run notice', () =>
      ui.notices.find((n) => n.actions.includes('Re-run Failed Jobs')),
    );
    assert.deepEqual(notice.actions, ['Re-run Failed Jobs', 'Open Logs']);
    assert.match(notice.message, /^Run on CI: CI run #\d+ failed with 1 failed test\(s\)\.$/);
    await waitFor('the re-run request', () =>
      standIn.requests.find((r) => r.path.endsWith(`/runs/${runId}/rerun-failed-jobs`) && r.status === 201),
    );
    standIn.advance(runId);
    standIn.advance(runId);
    const again = await waitFor('the re-run test run', () => api.ciTests.runs[before + 1], 60_000);
    assert.equal(again.kind, 'reported', JSON.stringify(again));
    assert.equal(again.kind === 'reported' && again.runId, runId, 'the same run, its new attempt');
    assert.deepEqual(byNodeId(again), { [`${FILE}::test_fails_on_demand`]: 'passed' });
    assert.equal(dispatches().length, 1, 'nothing dispatched again');
    cts.dispose();
  });

  it('a selected test the report does not list is errored "not run on CI", never passed', async () => {
    standIn.plan = {
      conclusion: 'failure',
      jobs: [integrationJob('failure')],
      artifacts: [artifact('junit', reports.add)],
    };
    const result = await runOnCi([`${FILE}::test_add`, `${FILE}::test_prints_output`]);
    assert.deepEqual(byNodeId(result), {
      [`${FILE}::test_add[1-2]`]: 'passed',
      [`${FILE}::test_add[3-4]`]: 'passed',
      [`${FILE}::test_prints_output`]: 'errored',
    });
    const missing =
      result.kind === 'reported' ? result.results.find((r) => r.outcome === 'errored') : undefined;
    assert.match(
      missing?.message ?? '',
      /^not run on CI: run #\d+ \(failure\) has no result for it in "junit"/,
    );
  });

  it('a sharded run: the artifacts of both shards are merged', async () => {
    standIn.plan = {
      conclusion: 'success',
      jobs: [integrationJob('success')],
      artifacts: [artifact('junit-shard-1', reports.sizes), artifact('junit-shard-2', reports.names)],
    };
    const result = await runOnCi([`${FILE}::test_model_sizes`, 'test_pynodes.py::test_unique_names_differ']);
    assert.deepEqual(byNodeId(result), {
      [`${FILE}::test_model_sizes[s]`]: 'passed',
      [`${FILE}::test_model_sizes[m]`]: 'passed',
      [`${FILE}::test_model_sizes[l]`]: 'passed',
      'test_pynodes.py::test_unique_names_differ': 'passed',
    });
  });

  it('a run without a JUnit artifact: every test errored with the lines to add', async () => {
    standIn.plan = { conclusion: 'success', jobs: [integrationJob('success')], artifacts: [] };
    const result = await runOnCi([`${FILE}::test_model_sizes`]);
    assert.equal(result.kind, 'noReport');
    assert.match(
      result.kind === 'noReport' ? result.message : '',
      /no artifact named like "junit\*"[\s\S]*--junitxml/,
    );
  });

  it('cancelling the test run cancels the workflow run on GitHub', async () => {
    standIn.plan = {
      conclusion: 'success',
      jobs: [integrationJob('success')],
      artifacts: [artifact('junit', reports.sizes)],
    };
    const result = await runOnCi([`${FILE}::test_model_sizes`], { cancel: true });
    assert.deepEqual(result, { kind: 'cancelled', runId: standIn.latestRunId(), cancelledOnGitHub: true });
    assert.ok(
      standIn.requests.some(
        (r) => r.method === 'POST' && r.path.endsWith(`/runs/${standIn.latestRunId()}/cancel`),
      ),
    );
    assert.equal(standIn.runs.get(standIn.latestRunId())!.json.conclusion, 'cancelled');
  });

  it('Show Results of CI Run: a failed scheduled run of main is offered once, and its results land on the tree', async () => {
    // The offer remembers run ids for the workspace: this run's id is one no other suite of the host run used.
    standIn = await github.reset({ ...options, firstRunId: 9_400_001 });
    standIn.plan = { conclusion: 'failure', jobs: [integrationJob('failure')] };
    const scheduled = standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    standIn.addArtifact(artifact('junit', reports.sizes, reports.fail), scheduled);
    const ui = new ClickingUi();
    api.ci.setUi(ui);
    await api.ci.runsView.refresh();
    const offered = (await api.ciTests.lastOffer()) as ShowResultsOutcome;
    assert.match(ui.notices[0]?.message ?? '', /scheduled CI run #\d+ on main failed/);
    assert.equal(offered.kind, 'shown');
    if (offered.kind !== 'shown') return;
    assert.match(offered.runName, /^CI #\d+ on main \(failed\)$/);
    const outcomes = Object.fromEntries(
      offered.results.map((x) => [x.id.slice(rootdir.length + 1), x.outcome]),
    );
    assert.equal(outcomes[`${FILE}::test_fails_on_demand`], 'failed');
    assert.equal(outcomes[`${FILE}::test_model_sizes[m]`], 'passed');
    // The CI results join the outcome history (flakiness counts CI runs too), once for this run.
    const ciEntries = () =>
      (api.testExplorer.flaky.history().tests[`${rootdir}/${FILE}::test_fails_on_demand`] ?? []).filter(
        (e) => e.source === 'ci',
      );
    assert.deepEqual(
      ciEntries().map((e) => e.outcome),
      ['failed'],
    );

    // Offered once: the next load says nothing.
    await api.ci.runsView.refresh();
    assert.equal(await api.ciTests.lastOffer(), undefined);
    assert.equal(ui.notices.length, 1);

    // From the view's item, as its inline action passes it.
    const state = api.ci.runsView.state;
    const run =
      state.kind === 'loaded'
        ? state.groups.flatMap((g) => g.runs).find((r) => r.id === scheduled)
        : undefined;
    assert.ok(run, 'the scheduled run is in the CI Runs view');
    const shown = await vscode.commands.executeCommand<ShowResultsOutcome>(Commands.showCiRunResults, {
      kind: 'run',
      run,
    });
    assert.equal(shown?.kind, 'shown');
    assert.equal(ciEntries().length, 1, 'the same CI run shown again adds nothing to the history');
  });

  it('Show Results of CI Run without a JUnit artifact reads the job log, and says so; tests it never names are not passed', async () => {
    const log = pytestJobLog(
      copy,
      [
        '-v',
        '-c',
        `${INTEGRATION_DIR}/pytest.ini`,
        `${INTEGRATION_DIR}/${FILE}::test_model_sizes`,
        `${INTEGRATION_DIR}/${FILE}::test_fails_on_demand`,
      ],
      { INTEGRATION_DJANGO_PORT: String(await freePort()), FAIL_ON_DEMAND: '1' },
    );
    standIn.plan = { conclusion: 'failure', jobs: [{ ...integrationJob('failure'), log }] };
    const runId = standIn.seedRun({
      branch: 'feature/ci-results',
      event: 'workflow_dispatch',
      conclusion: 'failure',
    });
    const ui = new ScriptedUi({}, 'push');
    api.ci.setUi(ui);
    await api.ci.runsView.refresh();
    const state = api.ci.runsView.state;
    const run =
      state.kind === 'loaded' ? state.groups.flatMap((g) => g.runs).find((r) => r.id === runId) : undefined;
    assert.ok(run, 'the run is in the CI Runs view');
    const shown = await vscode.commands.executeCommand<ShowResultsOutcome>(Commands.showCiRunResults, {
      kind: 'run',
      run,
    });
    assert.equal(shown?.kind, 'shown');
    if (shown?.kind !== 'shown') return;
    assert.equal(shown.source, 'log');
    assert.match(shown.runName, /from the job log$/);
    const outcomes = Object.fromEntries(
      shown.results.map((x) => [x.id.slice(rootdir.length + 1), x.outcome]),
    );
    assert.deepEqual(outcomes, {
      [`${FILE}::test_model_sizes[s]`]: 'passed',
      [`${FILE}::test_model_sizes[m]`]: 'passed',
      [`${FILE}::test_model_sizes[l]`]: 'passed',
      [`${FILE}::test_fails_on_demand`]: 'failed',
    });
    assert.ok(shown.results.every((x) => x.source === 'log'));
    assert.ok(shown.notInLog.includes(`${rootdir}/${FILE}::test_prints_output`));
    assert.ok(!shown.notInLog.some((id) => id.includes('test_model_sizes')));
    assert.match(
      ui.notices.at(-1)?.message ?? '',
      /uploaded no JUnit report: 4 result\(s\) were read from its job log/,
    );
    // What GitHub served: the log through its 302, the storage host asked without the token.
    assert.ok(standIn.requests.some((r) => r.path.endsWith(`/jobs/${runId * 10}/logs`) && r.status === 302));
    assert.deepEqual(
      standIn.storage.requests.map((r) => r.authorization),
      [undefined],
    );
  });

  it("Rerun Locally on a CI result's message runs that test here, and only it", async () => {
    // As the message's menu passes it: the test and its message. No Django needed: autoStart off.
    await setSettings({ 'django.autoStart': false });
    try {
      const test = item(api, `${FILE}::test_model_sizes`);
      const summary = (await vscode.commands.executeCommand(Commands.rerunLocally, {
        test,
        message: new vscode.TestMessage('failed on CI'),
      })) as RunSummary;
      assert.deepEqual([...summary.results.keys()].sort(), [
        `${FILE}::test_model_sizes[l]`,
        `${FILE}::test_model_sizes[m]`,
        `${FILE}::test_model_sizes[s]`,
      ]);
      assert.ok([...summary.results.values()].every((r) => r.outcome === 'passed'));
    } finally {
      await setSettings({ 'django.autoStart': undefined });
    }
  });

  it('Run on CI with 2 shards: the prepared workflow takes them, split by history times; a shard with no report errors its tests', async () => {
    const path = join(workspace, '.github/workflows', FIXTURE_WORKFLOW);
    const original = readFileSync(path, 'utf8');
    const names = 'test_pynodes.py::test_unique_names_differ';
    const cases = ['s', 'm', 'l'].map((c) => `${FILE}::test_model_sizes[${c}]`);
    try {
      const prepared = await vscode.commands.executeCommand<PrepareOutcome>(Commands.prepareWorkflow, {
        shards: true,
        accept: true,
      });
      assert.equal(prepared.kind, 'written', JSON.stringify(prepared));
      // GitHub reads the inputs from the workflow file: the prepared one declares `shards`.
      standIn = await github.reset({
        ...options,
        inputs: undefined,
        workflowFiles: { [FIXTURE_WORKFLOW]: path },
      });
      await setSettings({ 'ci.shards': 2 });
      // The history says the pynodes test takes a minute and each size case a second (five CI runs each).
      for (let run = 1; run <= 5; run++)
        api.testExplorer.flaky.recordCiRun(777_000 + run, [
          [item(api, names).id, 'passed', 60_000],
          ...cases.map((c) => [item(api, c).id, 'passed', 1_000] as const),
        ]);
      // Shard 1 (the long test) uploads its report; shard 2's runner never did.
      standIn.plan = {
        conclusion: 'failure',
        jobs: [integrationJob('failure')],
        artifacts: [artifact('junit-1', reports.names)],
      };
      const result = await runOnCi([`${FILE}::test_model_sizes`, names]);
      const body = dispatches()[0].body as { inputs: Record<string, string> };
      assert.equal(body.inputs.test_path, '');
      assert.deepEqual(JSON.parse(body.inputs.shards), [
        { index: 1, tests: `${INTEGRATION_DIR}/${names}` },
        // Brackets are shell patterns: each case is quoted for the workflow's shell line.
        { index: 2, tests: cases.map((c) => `'${INTEGRATION_DIR}/${c}'`).join(' ') },
      ]);
      assert.equal(result.kind, 'reported', JSON.stringify(result));
      if (result.kind !== 'reported') return;
      assert.deepEqual(
        result.shards?.map((s) => [s.index, s.reported]),
        [
          [1, true],
          [2, false],
        ],
      );
      assert.deepEqual(byNodeId(result), {
        [names]: 'passed',
        ...Object.fromEntries(cases.map((c) => [c, 'errored'])),
      });
      for (const r of result.results.filter((x) => x.outcome === 'errored'))
        assert.match(r.message, /^shard 2 did not run: run #\d+ \(failure\) has no report of shard 2/);
    } finally {
      writeFileSync(path, original);
      await setSettings({ 'ci.shards': undefined });
    }
  });
});
