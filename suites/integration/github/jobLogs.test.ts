// Job logs against the stand-in GitHub behind Prism (GitHub's OpenAPI description): the jobs list, the log
// endpoint's 302 to the storage host (followed without the token), and the results read from the log.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJobLogs } from '../../../src/core/ci/logImport';
import { downloadRunLogs } from '../../../src/core/github/jobLogs';
import { treeFiles } from '../../../src/core/junit/import';
import { discoverFolder } from '../../../src/core/pytest/discovery';
import { reconcile } from '../../../src/core/pytest/reconcile';
import { contractSuite } from '../../github/contractSuite';
import { fixtureRepo, integrationJob } from '../../github/standIn';
import { REPO_ROOT } from '../pytest/pytestHelpers';

const TOKEN = 'ghp_standInToken1234567890';
const options = fixtureRepo(TOKEN);
const SHAPES = join(REPO_ROOT, 'suites/fixtures/junitshapes');
const LOG = readFileSync(join(REPO_ROOT, 'suites/fixtures/joblogs/verbose-color.log'), 'utf8');

describe('CI job logs against the stand-in behind Prism (GitHub OpenAPI contract)', function () {
  this.timeout(180_000);
  const gh = contractSuite(options, TOKEN);

  it("downloads each job's log from the storage host GitHub redirects to, without the token, and reads its results", async () => {
    gh.standIn.plan = {
      conclusion: 'failure',
      jobs: [
        { ...integrationJob('failure'), log: LOG },
        { name: 'deploy', conclusion: 'skipped', steps: [], log: 'never read' },
      ],
    };
    const runId = gh.standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    const got = await downloadRunLogs({ client: gh.client(), runId });
    assert.equal(got.kind, 'logs');
    if (got.kind !== 'logs') return;
    assert.deepEqual(
      got.logs.map((l) => [l.source, l.jobId]),
      [['integration', runId * 10]],
    );
    // GitHub's logs start with a BOM; the decoder drops it.
    assert.equal(got.logs[0].text, LOG.replace(/^\ufeff/, ''));
    assert.deepEqual(
      gh.standIn.storage.requests.map((r) => [r.path.replace(/\?.*/, ''), r.authorization]),
      [[`/logs/${runId * 10}/job.txt`, undefined]],
    );
    const asked = gh.standIn.requests.find((r) => r.path.endsWith('/logs'))!;
    assert.equal(asked.status, 302);
    assert.equal(asked.headers.authorization, `Bearer ${TOKEN}`);

    const include = '**/tests/integration/**/*.py';
    const views = reconcile({
      workspace: SHAPES,
      include,
      files: await discoverFolder(SHAPES, include),
      collections: new Map(),
    });
    const mapped = importJobLogs(treeFiles(SHAPES, views), got.logs);
    assert.deepEqual(mapped.unmatched, []);
    assert.equal(mapped.results.length, 24);
    assert.ok(mapped.results.every((r) => r.source === 'log'));
    assert.equal(mapped.results.find((r) => r.nodeid === 'test_outcomes.py::test_fails')?.outcome, 'failed');
  });

  it('a run whose jobs did not run says there is no log to read', async () => {
    gh.standIn.plan = {
      conclusion: 'failure',
      jobs: [{ name: 'integration', conclusion: 'skipped', steps: [] }],
    };
    const runId = gh.standIn.seedRun({ branch: 'main', event: 'schedule', conclusion: 'failure' });
    const got = await downloadRunLogs({ client: gh.client(), runId });
    assert.equal(got.kind, 'noLogs');
    assert.match(got.kind === 'noLogs' ? got.message : '', /no job that ran/);
    assert.deepEqual(gh.standIn.storage.requests, []);
  });
});
