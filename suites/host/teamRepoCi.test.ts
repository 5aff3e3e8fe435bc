// The team's workflow on CI (schedule on master, dispatch with no inputs, pytest -v, no JUnit artifact), in a
// real VS Code on the team-shaped fixture, against the stand-in GitHub behind Prism: a run's job log in the log
// viewer (steps as sources, opened at the failed step's first error), re-runs from the CI Runs view and from a
// failed run's notice, and the watch on master (conditional polls, one notice, a status bar item, off).
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { OpenLogsOutcome } from '../../src/ci/ciLogs';
import type { ShowResultsOutcome } from '../../src/ci/showResults';
import type { RerunResult } from '../../src/ci/trigger';
import type { ExtensionApi } from '../../src/extension';
import type { WorkflowRun } from '../../src/core/github/types';
import { Commands } from '../../src/ids';
import { ContractGitHub } from '../github/contract';
import { githubJobLog, type LogStep } from '../github/jobLogShape';
import { FIXTURE_WORKFLOW, integrationJob, type GitHubStandIn, type StandInOptions } from '../github/standIn';
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

const TOKEN = 'ghp_teamRepoCiToken0123456789';
const DIR = 'backend/oracles/tests/integration';
/** The team's repository on GitHub: its workflow declares no input. Run ids differ per test (the memento keeps them). */
const options = (firstRunId: number): StandInOptions => ({
  owner: 'acme',
  repo: 'backend',
  defaultBranch: 'main',
  workflows: [FIXTURE_WORKFLOW],
  inputs: { [FIXTURE_WORKFLOW]: [] },
  tokens: [TOKEN],
  firstRunId,
});
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const OFF = '\u001b[0m';

/** The team's job as GitHub logs it: pytest -v in "Run integration tests", one test failed, Slack skipped. */
function teamJob(): { log: string; steps: ReturnType<typeof githubJobLog>['steps'] } {
  const pytest = [
    '============================= test session starts ==============================',
    `collecting ... collected 3 items`,
    '',
    `${DIR}/test_pynodes.py::test_unique_names_differ ${GREEN}PASSED${OFF} [ 33%]`,
    `${DIR}/test_deploy.py::test_fails_on_demand ${RED}FAILED${OFF} [ 66%]`,
    `${DIR}/test_deploy.py::test_add ${GREEN}PASSED${OFF} [100%]`,
    '',
    '=================================== FAILURES ===================================',
    // A traceback longer than the viewer's rows: the failed line can be the first one in view.
    ...Array.from({ length: 80 }, (_, i) => `    frame ${i + 1} of the traceback`),
    `E       AssertionError: FAIL_ON_DEMAND is set`,
    '=========================== short test summary info ============================',
    `FAILED ${DIR}/test_deploy.py::test_fails_on_demand - AssertionError: FAIL_ON_DEMAND is set`,
    `${RED}========================= 1 failed, 2 passed in 4.20s ==========================${OFF}`,
  ];
  const steps: LogStep[] = [
    {
      name: 'Run actions/checkout@v4',
      conclusion: 'success',
      run: 'actions/checkout@v4',
      output: ['Syncing repository: acme/backend'],
    },
    {
      name: 'Install uv',
      conclusion: 'success',
      run: 'astral-sh/setup-uv@v3',
      output: ['uv 0.4.0 installed'],
    },
    {
      name: 'Start minikube',
      conclusion: 'success',
      run: './scripts/ci/start_minikube.sh',
      // Longer than the viewer's rows: the failed line is out of view until the viewer opens at it.
      output: [
        ...Array.from({ length: 300 }, (_, i) => `* minikube: pulling image ${i + 1}/300`),
        '* Done! kubectl is now configured to use "minikube"',
      ],
    },
    {
      name: 'Run integration tests',
      conclusion: 'failure',
      run: `uv run pytest -c ${DIR}/pytest.ini -v ${DIR}`,
      output: pytest,
    },
    {
      name: 'Notify Slack on failure',
      conclusion: 'success',
      run: 'slackapi/slack-github-action@v1',
      output: ['Slack message sent'],
    },
  ];
  return githubJobLog(steps, Date.parse('2026-12-01T09:30:00Z'));
}

/** Clicks `pick` on the notices that offer it. */
class ClickingUi extends ScriptedUi {
  constructor(private readonly pick: string) {
    super({}, 'push');
  }
  override async notify(level: 'info' | 'warning' | 'error', message: string, actions: string[]) {
    await super.notify(level, message, actions);
    return actions.includes(this.pick) ? this.pick : undefined;
  }
}

describe("the team's workflow on CI: logs in the viewer, re-runs, the watch on master (stand-in GitHub behind Prism)", function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let github: ContractGitHub;
  let standIn: GitHubStandIn;
  let bare: string;
  let nextIds = 9_300_000;

  before(async () => {
    ({ api } = await activateExtension());
    const workspace = fixtureFolder().uri.fsPath;
    github = await ContractGitHub.start(options(nextIds));
    // The watch is turned on by the test that is about it.
    await setSettings({
      'ci.watch.enabled': false,
      'ci.apiBaseUrl': github.url,
      'ci.pollIntervalSeconds': 1,
    });
    bare = addBareRemote(workspace);
    await setToken(api, TOKEN);
    git(workspace, 'checkout', '-q', '-B', 'feature/team-ci');
    git(workspace, 'push', '-q', '-u', 'origin', 'feature/team-ci');
    await gitExtensionSees(fixtureFolder().uri, 'feature/team-ci');
  });
  after(async () => {
    await undoCiSetup(api, [
      'ci.watch.enabled',
      'ci.apiBaseUrl',
      'ci.pollIntervalSeconds',
      'ci.watch.intervalSeconds',
    ]);
    await github?.stop();
    if (bare) rmSync(dirname(bare), { recursive: true, force: true });
  });
  beforeEach(async () => {
    nextIds += 1000;
    standIn = await github.reset(options(nextIds));
    api.ci.setUi(new ScriptedUi({}, 'push'));
  });
  afterEach(() => {
    assert.deepEqual(github.takeViolations(), [], 'Prism reported contract violations');
  });

  /** A completed run of the team's job, as the CI Runs view lists it. */
  async function seedTeamRun(branch: string, event: string): Promise<WorkflowRun> {
    const job = teamJob();
    standIn.plan = {
      conclusion: 'failure',
      jobs: [{ name: 'integration', conclusion: 'failure', steps: job.steps, log: job.log }],
    };
    const id = standIn.seedRun({ branch, event, conclusion: 'failure' });
    await api.ci.runsView.refresh();
    const state = api.ci.runsView.state;
    const run =
      state.kind === 'loaded' ? state.groups.flatMap((g) => g.runs).find((r) => r.id === id) : undefined;
    assert.ok(run, `run ${id} is in the CI Runs view (${JSON.stringify(state).slice(0, 300)})`);
    return run;
  }

  it("Open Logs on a failed scheduled run: each step a viewer source with the log's times and colours, opened at the first FAILED line", async () => {
    const run = await seedTeamRun('main', 'schedule');
    const opened = await vscode.commands.executeCommand<OpenLogsOutcome>(Commands.openCiRunLogs, {
      kind: 'run',
      run,
    });
    assert.equal(opened?.kind, 'opened', JSON.stringify(opened));
    if (opened?.kind !== 'opened') return;
    const step = (n: number, name: string) => `ci/${run.id}/integration › ${n}. ${name}`;
    assert.deepEqual(opened.args.sources, [
      step(1, 'Run actions/checkout@v4'),
      step(2, 'Install uv'),
      step(3, 'Start minikube'),
      step(4, 'Run integration tests'),
      step(5, 'Notify Slack on failure'),
    ]);
    // The store holds the log's own lines: its time, its colours.
    const failedLine = api.logStore
      .query({ sources: [step(4, 'Run integration tests')] })
      .find((l) => l.seq === opened.args.revealSeq);
    assert.ok(failedLine, 'the viewer opens at a line of the failed step');
    assert.ok(failedLine.text.includes(`test_fails_on_demand ${RED}FAILED`), failedLine.text);
    assert.equal(new Date(failedLine.time).toISOString().slice(0, 16), '2026-12-01T09:30');
    // What the page shows: the first row in view is that line (the log's start is out of view), its colour
    // codes turned into spans.
    let seen = '';
    const rows = await waitFor(
      'the viewer to show the failed line at the top',
      async () => {
        const r = await api.logs.rendered();
        seen = `${r.totalLines} lines, ${r.shownLines} shown, following ${r.following}, rows: ${r.rows
          .slice(0, 3)
          .map((x) => x.text)
          .join(' | ')}`;
        if (!(r.rows.length && r.rows[0].text.includes('test_fails_on_demand FAILED'))) throw new Error(seen);
        return r;
      },
      30_000,
      250,
    );
    assert.equal(rows.following, false, 'opened at the error, not following the end');
    assert.equal(rows.rows[0].source, step(4, 'Run integration tests'));
    assert.ok(!rows.rows.some((r) => r.text.startsWith('▸ Run actions/checkout')), "not at the log's start");
    assert.ok(
      rows.rows.every((r) => !r.text.includes('\u001b')),
      'no raw escape reaches the page',
    );
    const last = api.logStore.query({ sources: [step(4, 'Run integration tests')] }).at(-1);
    assert.deepEqual(
      [last?.text, last?.level],
      ['Process completed with exit code 1.', 'error'],
      "GitHub's ##[error] line is an error",
    );
    assert.ok(
      rows.rows.every((r) => !r.text.includes('##[')),
      'GitHub markers are read, not shown',
    );
    // Nothing went to the browser; the log came through the 302, without the token.
    assert.deepEqual((api.ci.ui() as ScriptedUi).opened, []);
    assert.deepEqual(
      standIn.storage.requests.map((r) => r.authorization),
      [undefined],
    );
  });

  it('Re-run Failed Jobs from the CI Runs view: GitHub re-runs them, the new attempt is followed to its end', async () => {
    const run = await seedTeamRun('feature/team-ci', 'workflow_dispatch');
    const ui = new ScriptedUi({}, 'push');
    api.ci.setUi(ui);
    standIn.plan = { conclusion: 'success', jobs: [integrationJob('success')] };
    const result = await vscode.commands.executeCommand<RerunResult>(Commands.rerunFailedJobs, {
      kind: 'run',
      run,
    });
    assert.equal(result?.kind, 'rerun', JSON.stringify(result));
    if (result?.kind !== 'rerun') return;
    const post = standIn.requests.find((r) => r.method === 'POST');
    assert.deepEqual(
      [post?.path, post?.status],
      [`/repos/acme/backend/actions/runs/${run.id}/rerun-failed-jobs`, 201],
    );
    await waitFor('the re-run to be seen queued', () => /CI #\d+ queued/.test(api.ci.statusBar.text), 30_000);
    standIn.advance(run.id);
    standIn.advance(run.id);
    const outcome = await result.followed;
    assert.equal(outcome.kind, 'completed');
    assert.equal(outcome.kind === 'completed' && outcome.run.run_attempt, 2);
    await waitFor('the status bar to say it passed', () => /CI #\d+ passed/.test(api.ci.statusBar.text));
    assert.ok(ui.notices.some((n) => /CI run #\d+ on feature\/team-ci passed/.test(n.message)));

    // A running run is not re-run; a passed one has no failed jobs: both said, nothing sent.
    const sent = standIn.requests.filter((r) => r.method === 'POST').length;
    const passed = { ...run, conclusion: 'success', run_attempt: 2 };
    const refused = await vscode.commands.executeCommand<RerunResult>(Commands.rerunFailedJobs, {
      kind: 'run',
      run: passed,
    });
    assert.match(
      refused?.kind === 'refused' ? refused.reason : '',
      /passed, so it has no failed jobs to re-run\. Use "Re-run All Jobs"/,
    );
    const running = await vscode.commands.executeCommand<RerunResult>(Commands.rerunCiRun, {
      kind: 'run',
      run: { ...run, status: 'in_progress' },
    });
    assert.match(running?.kind === 'refused' ? running.reason : '', /still running/);
    assert.equal(standIn.requests.filter((r) => r.method === 'POST').length, sent);

    // Re-run All Jobs on the passed run.
    const all = await vscode.commands.executeCommand<RerunResult>(Commands.rerunCiRun, {
      kind: 'run',
      run: passed,
    });
    assert.equal(all?.kind, 'rerun');
    assert.equal(
      standIn.requests.filter((r) => r.method === 'POST').at(-1)?.path,
      `/repos/acme/backend/actions/runs/${run.id}/rerun`,
    );
    standIn.advance(run.id);
    standIn.advance(run.id);
    if (all?.kind === 'rerun') assert.equal((await all.followed).kind, 'completed');
  });

  it("a failed Trigger CI's notice offers Re-run Failed Jobs and Open Logs; Re-run Failed Jobs follows the new attempt", async () => {
    const ui = new ClickingUi('Re-run Failed Jobs');
    api.ci.setUi(ui);
    const job = teamJob();
    standIn.plan = {
      conclusion: 'failure',
      jobs: [{ name: 'integration', conclusion: 'failure', steps: job.steps, log: job.log }],
    };
    const triggered = await api.ci.trigger();
    assert.equal(triggered.kind, 'dispatched', JSON.stringify(triggered));
    const dispatch = standIn.requests.find((r) => r.path.endsWith('/dispatches'));
    assert.deepEqual(
      (dispatch?.body as { inputs?: unknown }).inputs,
      {},
      "the team's workflow takes no input",
    );
    const runId = standIn.latestRunId();
    standIn.plan = { conclusion: 'success', jobs: [integrationJob('success')] };
    standIn.advance(runId);
    standIn.advance(runId);
    const notice = await waitFor('the failure notice', () => ui.notices.find((n) => n.level === 'error'));
    assert.deepEqual(notice.actions, ['Open Run', 'Re-run Failed Jobs', 'Open Logs']);
    await waitFor('the re-run request', () =>
      standIn.requests.find((r) => r.path.endsWith(`/runs/${runId}/rerun-failed-jobs`) && r.status === 201),
    );
    await waitFor('the re-run to be followed', () => /CI #\d+ queued/.test(api.ci.statusBar.text), 30_000);
    standIn.advance(runId);
    standIn.advance(runId);
    await waitFor('the re-run to pass', () => ui.notices.find((n) => /passed/.test(n.message)), 30_000);
  });

  it('the watch on master: a newly failed scheduled run is told once (Show Results reads its log), the status bar shows it, a 304 costs nothing, and it turns off', async () => {
    // A load of the CI Runs view still under way (an earlier test's run ended) settles first.
    await api.ci.runsView.refresh();
    standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'success' });
    const job = teamJob();
    standIn.plan = {
      conclusion: 'failure',
      jobs: [{ name: 'integration', conclusion: 'failure', steps: job.steps, log: job.log }],
    };
    const failedId = standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    const ui = new ClickingUi('Show Results');
    api.ci.setUi(ui);
    await setSettings({ 'ci.watch.intervalSeconds': 10, 'ci.watch.enabled': true });
    await waitFor(
      'the watch to show master',
      () => /^\$\(error\) main: CI failed$/.test(api.ci.watch.text),
      30_000,
    );
    const told = await waitFor('the notice', () =>
      ui.notices.find((n) => /scheduled CI run #\d+ on main failed\.$/.test(n.message)),
    );
    assert.deepEqual(told.actions, ['Show Results', 'Open Logs']);
    const shown = (await waitFor('Show Results to settle', () => api.ci.watch.told[0])) as
      ShowResultsOutcome | undefined;
    assert.equal(shown?.kind, 'shown', JSON.stringify(shown));
    if (shown?.kind === 'shown') {
      assert.equal(shown.source, 'log');
      const byId = Object.fromEntries(
        shown.results.map((r) => [r.id.replace(/^.*integration\//, ''), r.outcome]),
      );
      assert.equal(byId['test_deploy.py::test_fails_on_demand'], 'failed');
      assert.equal(byId['test_pynodes.py::test_unique_names_differ'], 'passed');
    }
    // The next poll: unchanged, so GitHub answers 304 (no rate limit) and nothing is told again.
    const polls = () =>
      standIn.requests.filter(
        (r) => r.path.endsWith(`/workflows/${FIXTURE_WORKFLOW}/runs`) && r.query.get('branch') === 'main',
      );
    await waitFor(
      'a conditional poll answered 304',
      () => polls().some((r) => r.status === 304 && r.headers['if-none-match']),
      45_000,
      500,
    );
    assert.equal(ui.notices.filter((n) => /scheduled CI run/.test(n.message)).length, 1);
    // The CI Runs view's own offer does not repeat it either.
    await api.ci.runsView.refresh();
    await api.ciTests.lastOffer();
    assert.equal(
      ui.notices.filter((n) => new RegExp(`scheduled CI run #${failedId - 9000000}\\b`).test(n.message))
        .length,
      1,
    );
    // Off: the item goes, polling stops.
    await setSettings({ 'ci.watch.enabled': false });
    await waitFor('the watch to be off', () => api.ci.watch.state.kind === 'off');
    const after = polls().length;
    await new Promise((r) => setTimeout(r, 11_000));
    assert.equal(polls().length, after, 'no poll once turned off');
  });
});
