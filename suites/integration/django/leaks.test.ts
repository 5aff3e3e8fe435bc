import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDjangoProject } from '../../../src/core/pytest/leaks';
import { runCli, teamFixtureCopy } from '../support';
import { freePort, SYSTEM_PYTHON } from './djangoFixture';

const root = join(__dirname, '../../../..');
const DIR = 'backend/oracles/tests/integration';
const LEAKER = 'test_hazards.py::test_leaks_an_application';

interface RunJson {
  results: { nodeid: string; outcome: string }[];
  leaks?: { nodeid: string; table: string; rows: number; ids: number[] }[];
}

/** A copy of the codespace fixture with the given settings (the system Python, a free Django port). */
function codespaceCopy(settings: Record<string, unknown>): string {
  const ws = mkdtempSync(join(tmpdir(), 'cit-leaks-'));
  cpSync(join(root, 'suites/fixtures/codespace'), ws, {
    recursive: true,
    filter: (s) => !s.includes('__pycache__') && !s.endsWith('db.sqlite3'),
  });
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(
    join(ws, '.vscode/settings.json'),
    JSON.stringify({ 'codespaceTests.python.interpreter': SYSTEM_PYTHON, ...settings }),
  );
  return ws;
}

describe('leak check: the rows each test left in Django’s database', function () {
  this.timeout(180_000);
  const made: string[] = [];
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('shared mode: run --leaks --json names the test that leaked, its table and the row id; outcomes unchanged', async () => {
    const ws = codespaceCopy({ 'codespaceTests.django.port': await freePort() });
    made.push(ws);
    execFileSync(SYSTEM_PYTHON, ['backend/manage.py', 'migrate', '--noinput'], { cwd: ws });
    // test_create_and_delete_application and the pynode round trip create rows and delete them: not leaks.
    const r = await runCli(
      [
        'run',
        '--workspace',
        ws,
        '--django',
        'shared',
        '--leaks',
        '--json',
        `${DIR}/test_hazards.py`,
        `${DIR}/test_deploy.py::test_create_and_delete_application`,
        `${DIR}/test_pynodes.py`,
      ],
      { cwd: ws },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as RunJson;
    assert.ok(json.results.length >= 7, r.stdout);
    assert.ok(
      json.results.every((x) => x.outcome === 'passed'),
      'a leak does not change the outcome',
    );
    assert.strictEqual(json.leaks?.length, 1, r.stdout);
    const [leak] = json.leaks!;
    assert.deepStrictEqual([leak.nodeid, leak.table, leak.rows], [LEAKER, 'applications_application', 1]);
    const ids = execFileSync(
      SYSTEM_PYTHON,
      [
        '-c',
        'import sqlite3,sys; print([r[0] for r in sqlite3.connect(sys.argv[1]).execute("select id from applications_application")])',
        join(ws, 'backend/db.sqlite3'),
      ],
      { encoding: 'utf8' },
    );
    assert.strictEqual(
      ids.trim(),
      JSON.stringify(leak.ids).replace(/,/g, ', '),
      'the id of the row left behind',
    );
  });

  it('without --json: the summary lists the leaks by test on stderr', async () => {
    const ws = codespaceCopy({
      'codespaceTests.django.port': await freePort(),
      'codespaceTests.leaks.check': true,
    });
    made.push(ws);
    execFileSync(SYSTEM_PYTHON, ['backend/manage.py', 'migrate', '--noinput'], { cwd: ws });
    const r = await runCli(['run', '--workspace', ws, '--django', 'shared', `${DIR}/${LEAKER}`], { cwd: ws });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /Leak check: 1 test left rows in the database:\n {2}test_hazards\.py::test_leaks_an_application: left 1 row in applications_application \(ids \d+\)/,
    );
  });

  it('session mode on a fresh database: the session fixture’s migrate and API user are not blamed on a test', async () => {
    const port = await freePort();
    const team = teamFixtureCopy('cit-leaks-team-', port);
    made.push(team);
    rmSync(join(team, 'backend/db.sqlite3'), { force: true });
    const settings = join(team, '.vscode/settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        ...JSON.parse(readFileSync(settings, 'utf8')),
        'codespaceTests.python.interpreter': SYSTEM_PYTHON,
      }),
    );
    const r = await runCli(
      [
        'run',
        '--workspace',
        team,
        '--django',
        'session',
        '--leaks',
        '--json',
        `${DIR}/test_deploy.py::test_health`,
        `${DIR}/${LEAKER}`,
      ],
      { cwd: team },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as RunJson;
    assert.deepStrictEqual(
      json.leaks?.map((l) => `${l.nodeid} ${l.table} ${l.rows}`),
      [`${LEAKER} applications_application 1`],
    );
  });

  it('beside pytest-django (Django set up in the test process): the same leak, read from the same database', async () => {
    const ws = codespaceCopy({
      'codespaceTests.django.port': await freePort(),
      'codespaceTests.tests.env': { DJANGO_SETTINGS_MODULE: 'config.settings' },
    });
    made.push(ws);
    execFileSync(SYSTEM_PYTHON, ['backend/manage.py', 'migrate', '--noinput'], { cwd: ws });
    const r = await runCli(
      ['run', '--workspace', ws, '--django', 'shared', '--leaks', '--json', `${DIR}/test_hazards.py`],
      { cwd: ws },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as RunJson;
    assert.deepStrictEqual(
      json.leaks?.map((l) => l.nodeid),
      [LEAKER],
    );
  });

  it('settings that cannot be loaded: says why once, and the run goes on unchecked', async () => {
    const ws = codespaceCopy({
      'codespaceTests.django.port': await freePort(),
      'codespaceTests.leaks.settingsModule': 'config.missing',
    });
    made.push(ws);
    execFileSync(SYSTEM_PYTHON, ['backend/manage.py', 'migrate', '--noinput'], { cwd: ws });
    const r = await runCli(
      ['run', '--workspace', ws, '--django', 'shared', '--leaks', `${DIR}/test_hazards.py`],
      { cwd: ws },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const said = r.stderr.match(
      /The leak check is off for this run: the settings module config\.missing could not be imported/g,
    );
    assert.strictEqual(said?.length, 1, r.stderr);
    assert.match(r.stderr, /codespaceTests\.leaks\.settingsModule/, 'what to do next');
    assert.doesNotMatch(r.stderr, /Leak check: /);
  });

  it('finds the project as manage.py does: the command’s manage.py, else a search; the settings override wins', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'cit-leaks-find-'));
    made.push(ws);
    mkdirSync(join(ws, 'src/app'), { recursive: true });
    writeFileSync(
      join(ws, 'src/app/manage.py'),
      'import os\nos.environ.setdefault( "DJANGO_SETTINGS_MODULE", \'site.settings\' )\n',
    );
    const base = { workspace: ws, djangoCwd: ws };
    assert.deepStrictEqual(
      await findDjangoProject({ ...base, djangoCommand: 'python src/app/manage.py runserver' }),
      {
        kind: 'found',
        managePy: join(ws, 'src/app/manage.py'),
        spec: { projectDir: join(ws, 'src/app'), defaultSettings: 'site.settings' },
      },
    );
    const searched = await findDjangoProject({
      ...base,
      djangoCommand: 'uv run python backend/manage.py runserver',
    });
    assert.strictEqual(searched.kind === 'found' && searched.spec.projectDir, join(ws, 'src/app'));
    const over = await findDjangoProject({
      ...base,
      djangoCommand: '',
      settingsModule: 'site.test_settings',
    });
    assert.strictEqual(over.kind === 'found' && over.spec.settings, 'site.test_settings');
    const none = await findDjangoProject({ ...base, djangoCommand: '', projectDir: 'nowhere' });
    assert.strictEqual(none.kind, 'missing');
    assert.match(none.kind === 'missing' ? none.reason : '', /Set codespaceTests\.leaks\.projectDir/);
  });
});
