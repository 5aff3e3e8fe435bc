// Artifacts and cancel against the stand-in GitHub behind Prism (GitHub's OpenAPI description): the list, the
// 302 to the storage host (followed without the token), 410, the size limit, shards, and the run cancel.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { downloadRunReports } from '../../../src/core/github/artifacts';
import { GitHubClient } from '../../../src/core/github/client';
import { importReports, treeFiles } from '../../../src/core/junit/import';
import { discoverFolder } from '../../../src/core/pytest/discovery';
import { reconcile } from '../../../src/core/pytest/reconcile';
import { ContractGitHub } from '../../github/contract';
import { fixtureRepo, type GitHubStandIn } from '../../github/standIn';
import { FIXTURE, FIXTURE_INI, NO_DJANGO, pytestJUnit, workspaceCopy } from '../junit/junitReports';

const TOKEN = 'ghp_standInToken1234567890';
const options = fixtureRepo(TOKEN);
const INTEGRATION = 'backend/oracles/tests/integration';

describe('CI artifacts and cancel against the stand-in behind Prism (GitHub OpenAPI contract)', function () {
  this.timeout(180_000);
  let github: ContractGitHub;
  let standIn: GitHubStandIn;
  let fixture: string;
  /** Real pytest's reports on the fixture: the whole no-Django set, and two shards of it. */
  let whole: string;
  let shard1: string;
  let shard2: string;
  const client = () =>
    new GitHubClient({ baseUrl: github.url, token: TOKEN, owner: 'acme', repo: 'backend' });
  const zip = (files: Record<string, string>) =>
    zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
  const completedRun = () =>
    standIn.seedRun({ branch: 'feature', event: 'workflow_dispatch', conclusion: 'failure' });

  before(async () => {
    fixture = workspaceCopy(FIXTURE);
    const run = (k: string, out: string) =>
      readFileSync(
        pytestJUnit(fixture, ['-c', FIXTURE_INI, INTEGRATION, '-k', k], join(fixture, out), {
          FAIL_ON_DEMAND: '1',
        }),
        'utf8',
      );
    whole = run(NO_DJANGO, 'whole.xml');
    shard1 = run(`(${NO_DJANGO}) and test_deploy`, 's1.xml');
    shard2 = run(`(${NO_DJANGO}) and test_pynodes`, 's2.xml');
    github = await ContractGitHub.start(options);
  });
  after(async () => {
    await github?.stop();
    rmSync(fixture, { recursive: true, force: true });
  });
  beforeEach(async () => {
    standIn = await github.reset(options);
  });
  afterEach(() => {
    assert.deepEqual(github.takeViolations(), [], 'Prism reported contract violations');
  });

  it('downloads the JUnit artifact from the storage host GitHub redirects to, without the token, and maps it', async () => {
    const runId = completedRun();
    standIn.addArtifact({ name: 'junit', zip: zip({ 'junit.xml': whole }) }, runId);
    standIn.addArtifact({ name: 'coverage', zip: zip({ 'coverage.xml': '<coverage/>' }) }, runId);
    const got = await downloadRunReports({ client: client(), runId, pattern: 'junit*' });
    assert.equal(got.kind, 'reports');
    if (got.kind !== 'reports') return;
    assert.deepEqual(got.artifacts, ['junit']);
    assert.deepEqual(
      got.files.map((f) => f.source),
      ['junit/junit.xml'],
    );
    assert.deepEqual(
      standIn.storage.requests.map((r) => r.authorization),
      [undefined],
    );
    const download = standIn.requests.find((r) => r.path.endsWith('/zip'))!;
    assert.equal(download.status, 302);
    assert.equal(download.headers.authorization, `Bearer ${TOKEN}`);

    const views = reconcile({
      workspace: fixture,
      include: '**/tests/integration/**/*.py',
      files: await discoverFolder(fixture, '**/tests/integration/**/*.py'),
      collections: new Map(),
    });
    const mapped = importReports(treeFiles(fixture, views), got.files);
    assert.deepEqual(mapped.unmatched, []);
    assert.equal(mapped.results.length, 10);
    assert.equal(
      mapped.results.find((r) => r.outcome === 'failed')?.nodeid,
      'test_deploy.py::test_fails_on_demand',
    );
  });

  it('merges one artifact per shard', async () => {
    const runId = completedRun();
    standIn.addArtifact({ name: 'junit-shard-1', zip: zip({ 'reports/junit.xml': shard1 }) }, runId);
    standIn.addArtifact({ name: 'junit-shard-2', zip: zip({ 'reports/junit.xml': shard2 }) }, runId);
    const got = await downloadRunReports({ client: client(), runId, pattern: 'junit*' });
    assert.equal(got.kind, 'reports');
    if (got.kind !== 'reports') return;
    assert.deepEqual(
      got.files.map((f) => f.source),
      ['junit-shard-1/reports/junit.xml', 'junit-shard-2/reports/junit.xml'],
    );
    const views = reconcile({
      workspace: fixture,
      include: '**/tests/integration/**/*.py',
      files: await discoverFolder(fixture, '**/tests/integration/**/*.py'),
      collections: new Map(),
    });
    const mapped = importReports(treeFiles(fixture, views), got.files);
    assert.equal(mapped.results.length, 10);
    assert.ok(mapped.results.some((r) => r.nodeid === 'test_pynodes.py::test_unique_names_differ'));
  });

  it('a run without a JUnit artifact says which artifacts it has and the workflow lines that add one', async () => {
    const runId = completedRun();
    standIn.addArtifact({ name: 'coverage', zip: zip({ 'coverage.xml': '<coverage/>' }) }, runId);
    const got = await downloadRunReports({ client: client(), runId, pattern: 'junit*' });
    assert.equal(got.kind, 'noArtifact');
    assert.match(
      got.kind === 'noArtifact' ? got.message : '',
      /no artifact named like "junit\*" \(it has "coverage"\)[\s\S]*--junitxml=junit.xml[\s\S]*actions\/upload-artifact/,
    );
  });

  it('an expired artifact, listed as expired or answered 410, gets its own message', async () => {
    const runId = completedRun();
    standIn.addArtifact({ name: 'junit', zip: zip({ 'junit.xml': whole }), expired: true }, runId);
    const listed = await downloadRunReports({ client: client(), runId, pattern: 'junit*' });
    assert.equal(listed.kind, 'expired');
    assert.match(
      listed.kind === 'expired' ? listed.message : '',
      /"junit" of run \d+ has expired[\s\S]*Run the tests on CI again/,
    );

    const other = completedRun();
    standIn.addArtifact({ name: 'junit', zip: zip({ 'junit.xml': whole }) }, other);
    standIn.cue({
      route: 'download',
      status: 410,
      body: {
        message: 'Artifact has expired',
        documentation_url: 'https://docs.github.com/rest',
        status: '410',
      },
    });
    const gone = await downloadRunReports({ client: client(), runId: other, pattern: 'junit*' });
    assert.equal(gone.kind, 'expired');
    assert.deepEqual(standIn.storage.requests, []);
  });

  it('an artifact that is too large gets its own message, stated or found while downloading', async () => {
    const runId = completedRun();
    standIn.addArtifact(
      { name: 'junit', zip: zip({ 'junit.xml': whole }), statedSize: 900 * 1024 * 1024 },
      runId,
    );
    const stated = await downloadRunReports({ client: client(), runId, pattern: 'junit' });
    assert.equal(stated.kind, 'tooLarge');
    assert.match(
      stated.kind === 'tooLarge' ? stated.message : '',
      /"junit" is 900 MB, which is more than the 64 MB/,
    );

    const other = completedRun();
    const big = standIn.addArtifact(
      { name: 'junit', zip: zip({ 'junit.xml': whole }), statedSize: 10 },
      other,
    );
    const found = await downloadRunReports({
      client: client(),
      runId: other,
      pattern: 'junit',
      limits: { maxZipBytes: big.zip.byteLength - 1, maxXmlBytes: 1 << 20 },
    });
    assert.equal(found.kind, 'tooLarge');
  });

  it('cancels a running run (202), and a completed one is nothing to cancel (409)', async () => {
    const running = standIn.seedRun({ branch: 'feature', event: 'workflow_dispatch', conclusion: null });
    assert.equal(await client().cancelRun(running), 'cancelling');
    assert.equal(standIn.runs.get(running)!.json.conclusion, 'cancelled');
    assert.equal(await client().cancelRun(completedRun()), 'alreadyDone');
  });
});
