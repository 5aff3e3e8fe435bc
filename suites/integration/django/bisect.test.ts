import * as assert from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxTries } from '../../../src/core/pytest/pollution';
import { checkPort } from '../../../src/core/django/portOwner';
import { runCli, teamFixtureCopy } from '../support';
import { freePort, SYSTEM_PYTHON } from './djangoFixture';

const root = join(__dirname, '../../../..');
const DIR = 'backend/oracles/tests/integration';
const VICTIM = `${DIR}/test_hazards.py::test_beta_flag_is_off_by_default`;
const POLLUTER = `${DIR}/test_hazards.py::test_turns_on_beta_flag`;

interface BisectJson {
  polluters: string[];
  tries: number;
  command: string;
  result: string;
  message: string;
}

describe('codespace-tests bisect: Find the Polluting Test through the server’s memory', function () {
  this.timeout(300_000);
  const made: string[] = [];
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function codespaceCopy(env: Record<string, string>): Promise<{ ws: string; port: number }> {
    const ws = mkdtempSync(join(tmpdir(), 'cit-bisect-'));
    made.push(ws);
    cpSync(join(root, 'suites/fixtures/codespace'), ws, {
      recursive: true,
      filter: (s) => !s.includes('__pycache__') && !s.endsWith('db.sqlite3'),
    });
    const port = await freePort();
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(
      join(ws, '.vscode/settings.json'),
      JSON.stringify({
        'codespaceTests.python.interpreter': SYSTEM_PYTHON,
        'codespaceTests.django.port': port,
        'codespaceTests.tests.env': env,
      }),
    );
    execFileSync(SYSTEM_PYTHON, ['backend/manage.py', 'migrate', '--noinput'], { cwd: ws });
    return { ws, port };
  }

  it('shared mode: finds the one test that leaves a flag on in Django, among every test before it, within the bound', async () => {
    const { ws, port } = await codespaceCopy({ POLLUTE_ON_DEMAND: '1' });
    // What a person sees first: the victim fails in the suite (the polluter runs before it).
    const suite = await runCli(
      ['run', '--workspace', ws, '--django', 'shared', '--json', `${DIR}/test_hazards.py`],
      { cwd: ws },
    );
    const outcomes = (JSON.parse(suite.stdout) as { results: { nodeid: string; outcome: string }[] }).results;
    assert.strictEqual(
      outcomes.find((r) => r.nodeid.endsWith('test_beta_flag_is_off_by_default'))?.outcome,
      'failed',
    );

    const r = await runCli(
      ['bisect', '--workspace', ws, '--django', 'shared', '--failing', VICTIM, '--json'],
      { cwd: ws },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as BisectJson;
    assert.deepStrictEqual(json.polluters, [POLLUTER]);
    assert.strictEqual(json.result, 'found');
    const candidates = Number(/(\d+) tests run before/.exec(r.stderr)?.[1]);
    assert.ok(candidates >= 12, `every test before it in its folder is a candidate (${candidates})`);
    assert.ok(json.tries <= maxTries(candidates), `${json.tries} tries for ${candidates} candidates`);
    assert.match(json.command, /test_turns_on_beta_flag .*test_beta_flag_is_off_by_default$/);
    assert.doesNotMatch(json.command, /codespace_tests_plugin/, 'a command a person can paste');
    // Pasted in the workspace, it reproduces the failure (the session starts its own Django).
    const pasted = spawnSync('bash', ['-c', json.command], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, POLLUTE_ON_DEMAND: '1', INTEGRATION_DJANGO_PORT: String(await freePort()) },
      timeout: 120_000,
    });
    assert.match(pasted.stdout, /1 failed, 1 passed/, pasted.stdout + pasted.stderr);
    assert.match(r.stderr, /Django mode: shared/);
    assert.match(r.stderr, /try 1 of at most \d+: 0 test\(s\) before it: passed/, 'it passes alone first');
    assert.strictEqual((await checkPort('127.0.0.1', port)).kind, 'free', 'no Django left behind');
  });

  it('a test that fails alone is not pollution: one try, exit 1, said in words', async () => {
    const { ws } = await codespaceCopy({ FAIL_ON_DEMAND: '1' });
    const r = await runCli(
      [
        'bisect',
        '--workspace',
        ws,
        '--django',
        'shared',
        '--failing',
        `${DIR}/test_deploy.py::test_fails_on_demand`,
      ],
      { cwd: ws },
    );
    assert.strictEqual(r.code, 1, r.stderr);
    assert.match(r.stdout, /fails alone too, so this is not pollution/);
    assert.match(r.stderr, /try 1 of at most/);
    assert.doesNotMatch(r.stderr, /try 2 of/);
  });

  it('session mode, given candidates: passes in every try without the polluter switched on; found with it', async () => {
    const port = await freePort();
    const team = teamFixtureCopy('cit-bisect-team-', port);
    made.push(team);
    const settingsFile = join(team, '.vscode/settings.json');
    const base = {
      ...JSON.parse(readFileSync(settingsFile, 'utf8')),
      'codespaceTests.python.interpreter': SYSTEM_PYTHON,
    };
    const args = [
      'bisect',
      '--workspace',
      team,
      '--json',
      '--failing',
      VICTIM,
      '--candidates',
      `${DIR}/test_deploy.py::test_health`,
      '--candidates',
      POLLUTER,
      '--candidates',
      `${DIR}/test_hazards.py::test_flaky_by_design`,
    ];
    writeFileSync(settingsFile, JSON.stringify(base));
    const clean = await runCli(args, { cwd: team });
    assert.strictEqual(clean.code, 1, clean.stderr);
    assert.match(clean.stderr, /Django mode: session/);
    assert.deepStrictEqual(JSON.parse(clean.stdout).result, 'passesEveryTry');

    writeFileSync(
      settingsFile,
      JSON.stringify({ ...base, 'codespaceTests.tests.env': { POLLUTE_ON_DEMAND: '1' } }),
    );
    const polluted = await runCli(args, { cwd: team });
    assert.strictEqual(polluted.code, 0, polluted.stderr);
    const json = JSON.parse(polluted.stdout) as BisectJson;
    assert.deepStrictEqual(json.polluters, [POLLUTER]);
    assert.ok(json.tries <= maxTries(3));
  });

  it('refuses a missing --failing with what to pass', async () => {
    const r = await runCli(['bisect', '--workspace', root], { cwd: root });
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /--failing ID/);
  });
});
