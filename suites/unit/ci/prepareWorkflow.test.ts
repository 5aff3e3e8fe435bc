import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { prepareWorkflow, type PreparedWorkflow } from '../../../src/core/ci/prepareWorkflow';
import { pytestCommand } from '../../../src/core/ci/pytestCommand';

const REPO = join(__dirname, '../../../..');
const TEAM = readFileSync(
  join(REPO, 'suites/fixtures/teamrepo/.github/workflows/integration-tests.yml'),
  'utf8',
);
const FIXTURE = readFileSync(
  join(REPO, 'suites/fixtures/codespace/.github/workflows/integration-tests.yml'),
  'utf8',
);

function changed(r: PreparedWorkflow): string {
  assert.equal(r.kind, 'changed', JSON.stringify(r));
  return (r as { text: string }).text;
}
type Step = { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, string> };
type Job = { steps: Step[]; strategy?: { matrix: Record<string, string>; 'fail-fast'?: boolean } };
type Workflow = {
  on: Record<string, { inputs?: Record<string, { type: string; default?: string }> } | null>;
  jobs: Record<string, Job>;
};
const read = (text: string) => parse(text) as Workflow;
const comments = (text: string) => text.split('\n').filter((l) => /(^|\s)#/.test(l));

describe('Prepare the Workflow for Test Results: the YAML edit', () => {
  it("the team's workflow: a tests input, --junitxml, an upload that always runs; every comment and other line kept", () => {
    const text = changed(prepareWorkflow(TEAM, { shards: false }));
    const wf = read(text);
    assert.deepEqual(Object.keys(wf.on.workflow_dispatch!.inputs!), ['tests']);
    assert.equal(wf.on.workflow_dispatch!.inputs!.tests.type, 'string');
    const steps = wf.jobs.integration.steps;
    const at = steps.findIndex((s) => s.name === 'Run integration tests');
    assert.equal(
      steps[at].run,
      "uv run pytest -c backend/oracles/tests/integration/pytest.ini -v ${{ inputs.tests || 'backend/oracles/tests/integration' }} --junitxml=junit.xml",
    );
    assert.deepEqual(steps[at + 1], {
      name: 'Upload the JUnit report (Show Results of CI Run reads it)',
      if: 'always()',
      uses: 'actions/upload-artifact@v4',
      with: { name: 'junit', path: 'junit.xml' },
    });
    // The Slack step is still last, unchanged.
    assert.equal(steps.at(-1)!.uses, 'slackapi/slack-github-action@v1');
    assert.deepEqual(comments(text), comments(TEAM));
    // Every line of the original is still there, byte for byte, but the pytest line and `workflow_dispatch: {}`.
    const kept = new Set(text.split('\n'));
    const lost = TEAM.split('\n').filter((l) => !kept.has(l));
    assert.deepEqual(lost, [
      '  workflow_dispatch: {}',
      '        run: uv run pytest -c backend/oracles/tests/integration/pytest.ini -v backend/oracles/tests/integration',
    ]);
  });

  it('with shards: a shards input, a matrix from fromJSON(inputs.shards) with one runner by default, one artifact per shard', () => {
    const text = changed(prepareWorkflow(TEAM, { shards: true }));
    const wf = read(text);
    assert.deepEqual(Object.keys(wf.on.workflow_dispatch!.inputs!), ['tests', 'shards']);
    const job = wf.jobs.integration;
    assert.equal(job.strategy!.matrix.shard, `\${{ fromJSON(inputs.shards || '[{"index":1,"tests":""}]') }}`);
    assert.equal(job.strategy!['fail-fast'], false);
    // What a scheduled run (no inputs) reads: one shard, so the job's own paths run.
    assert.deepEqual(JSON.parse('[{"index":1,"tests":""}]'), [{ index: 1, tests: '' }]);
    const run = job.steps.find((s) => s.run?.includes('pytest'))!.run!;
    assert.match(
      run,
      /\$\{\{ matrix\.shard\.tests \|\| inputs\.tests \|\| 'backend\/oracles\/tests\/integration' \}\}/,
    );
    assert.equal(
      job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.name,
      'junit-${{ matrix.shard.index }}',
    );
    assert.deepEqual(comments(text), comments(TEAM));
  });

  it('already prepared: no change, with or without shards once they are there', () => {
    assert.equal(prepareWorkflow(FIXTURE, { shards: false }).kind, 'unchanged');
    for (const shards of [false, true]) {
      const once = changed(prepareWorkflow(TEAM, { shards }));
      assert.equal(prepareWorkflow(once, { shards }).kind, 'unchanged');
    }
    const sharded = changed(prepareWorkflow(TEAM, { shards: true }));
    assert.equal(prepareWorkflow(sharded, { shards: false }).kind, 'unchanged');
  });

  it('a workflow with its own tests input and upload gains only the shards; its fixed artifact name gets the shard', () => {
    const text = changed(prepareWorkflow(FIXTURE, { shards: true }));
    const wf = read(text);
    assert.deepEqual(Object.keys(wf.on.workflow_dispatch!.inputs!), [
      'test_path',
      'environment',
      'verbose',
      'max_failures',
      'shards',
    ]);
    const steps = wf.jobs.integration.steps;
    assert.match(
      steps.find((s) => s.run?.includes('pytest'))!.run!,
      /\$\{\{ matrix\.shard\.tests \|\| inputs\.test_path \}\} --junitxml=junit\.xml$/,
    );
    assert.equal(steps.at(-1)!.with!.name, 'junit-${{ matrix.shard.index }}');
    // The flow mapping of `with:` stays a flow mapping.
    assert.match(text, /with: \{ name: "junit-\$\{\{ matrix\.shard\.index \}\}", path: junit\.xml \}/);
  });

  it('several jobs: only the ones running pytest change, each with its own artifact; shards are refused', () => {
    const wf = [
      'on:',
      '  push:',
      '    branches: [main] # pushes only',
      'jobs:',
      '  lint:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: pip install pytest ruff',
      '      - run: ruff check .',
      '  unit:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: python -m pytest tests/unit -q',
      '  integration:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: |',
      '          ./start.sh',
      '          uv run pytest -c backend/oracles/tests/integration/pytest.ini --maxfail 3 -k "not slow" && echo done',
      '',
    ].join('\n');
    const text = changed(prepareWorkflow(wf, { shards: false }));
    const jobs = read(text).jobs;
    assert.deepEqual(jobs.lint.steps, [{ run: 'pip install pytest ruff' }, { run: 'ruff check .' }]);
    assert.equal(
      jobs.unit.steps[0].run,
      "python -m pytest ${{ inputs.tests || 'tests/unit' }} -q --junitxml=junit.xml",
    );
    assert.equal(jobs.unit.steps[1].with!.name, 'junit-unit');
    assert.equal(
      jobs.integration.steps[0].run,
      './start.sh\nuv run pytest -c backend/oracles/tests/integration/pytest.ini --maxfail 3 -k "not slow" ${{ inputs.tests }} --junitxml=junit.xml && echo done\n',
    );
    assert.equal(jobs.integration.steps[1].with!.name, 'junit-integration');
    assert.match(text, /branches: \[main\] # pushes only/);
    // A push-only workflow gains the dispatch trigger beside push.
    assert.deepEqual(Object.keys(read(text).on), ['push', 'workflow_dispatch']);
    const refused = prepareWorkflow(wf, { shards: true });
    assert.equal(refused.kind, 'refused');
    assert.match((refused as { reason: string }).reason, /Jobs unit, integration each run pytest/);
  });

  it('`on: push` and `on: [push]` become mappings that hold workflow_dispatch', () => {
    for (const on of ['on: push', 'on: [push, pull_request]']) {
      const text = changed(
        prepareWorkflow(`${on}\njobs:\n  t:\n    steps:\n      - run: pytest\n`, { shards: false }),
      );
      const wf = read(text);
      assert.ok('push' in wf.on && 'workflow_dispatch' in wf.on, text);
      assert.equal(wf.jobs.t.steps[0].run, 'pytest ${{ inputs.tests }} --junitxml=junit.xml');
    }
  });

  it('refuses what it cannot edit, saying what to do: broken YAML, no pytest step', () => {
    const broken = prepareWorkflow('on: [push\njobs: {', { shards: false });
    assert.equal(broken.kind, 'refused');
    assert.match((broken as { reason: string }).reason, /not valid YAML .*Fix it/);
    const none = prepareWorkflow('on: push\njobs:\n  t:\n    steps:\n      - run: make test\n', {
      shards: false,
    });
    assert.equal(none.kind, 'refused');
    assert.match((none as { reason: string }).reason, /No step of the workflow runs pytest/);
  });

  it("the pytest line: options' values are not paths; an install of pytest is no call; a given report is kept", () => {
    const c = pytestCommand(
      'uv run pytest -c a/pytest.ini -k "x and y" --junitxml out/r.xml tests/a tests/b::t 2>&1 | tee log',
    )!;
    assert.deepEqual(
      c.paths.map((p) => p.text),
      ['tests/a', 'tests/b::t'],
    );
    assert.equal(c.junitxml, 'out/r.xml');
    assert.equal(c.text.slice(0, c.argsEnd).endsWith('tests/b::t'), true);
    assert.equal(pytestCommand('pip install pytest pytest-django'), undefined);
    assert.equal(pytestCommand('echo done'), undefined);
    assert.deepEqual(pytestCommand('pytest ${{ inputs.tests }}')!.paths, []);
  });
});
