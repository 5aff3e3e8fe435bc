import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcess } from '../../../src/core/process/childProcess';
import { checkPort } from '../../../src/core/django/portOwner';
import { pidAlive, runCli, teamFixtureCopy, waitUntil } from '../support';
import { freePort, SYSTEM_PYTHON } from './djangoFixture';

const root = join(__dirname, '../../../..');
const TEST = 'backend/oracles/tests/integration/test_deploy.py::test_health';

describe('codespace-tests run: the Django mode, as the extension decides it', function () {
  this.timeout(180_000);
  let team: string;
  let port: number;
  const strays: ChildProcess[] = [];

  before(async () => {
    port = await freePort();
    team = teamFixtureCopy('cit-cli-team-', port);
  });
  afterEach(async () => {
    for (const s of strays.splice(0)) await s.stop();
  });
  after(() => rmSync(team, { recursive: true, force: true }));

  async function stray(): Promise<ChildProcess> {
    const child = new ChildProcess({
      command: SYSTEM_PYTHON,
      args: ['backend/manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
      cwd: team,
      env: process.env,
    });
    strays.push(child);
    await waitUntil(async () => (await checkPort('127.0.0.1', port)).kind === 'busy', 30_000, 100);
    return child;
  }

  it('the team repository: auto resolves to session, names it on stderr, and the test passes', async () => {
    const r = await runCli(['run', '--workspace', team, '--json', TEST], { cwd: team });
    assert.match(
      r.stderr,
      /Django mode: session \(auto: no governing conftest\.py reads INTEGRATION_DJANGO_URL/,
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { results: { nodeid: string; outcome: string }[] };
    assert.deepStrictEqual(
      json.results.map((x) => x.outcome),
      ['passed'],
    );
  });

  it('session mode with the port taken: exit 3 with the owner pid and command line; it is left alone', async () => {
    const s = await stray();
    const r = await runCli(['run', '--workspace', team, '--django', 'session', TEST], { cwd: team });
    assert.strictEqual(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`port ${port} is in use by pid \\d+ \\(.*manage\\.py runserver`));
    assert.match(r.stderr, /--kill-port/);
    assert.ok(pidAlive(s.pid!));
  });

  it('--kill-port kills the owner first, then the test passes', async () => {
    const s = await stray();
    const r = await runCli(['run', '--workspace', team, '--kill-port', TEST], { cwd: team });
    assert.strictEqual(r.code, 0, r.stderr);
    await s.stopped;
    assert.ok(!pidAlive(s.pid!));
  });

  it('--django shared starts the managed Django for the run and stops it at exit', async () => {
    // The codespace fixture's conftest reuses INTEGRATION_DJANGO_URL, so it passes against the managed server.
    const ws = mkdtempSync(join(tmpdir(), 'cit-cli-shared-'));
    try {
      cpSync(join(root, 'suites/fixtures/codespace'), ws, { recursive: true });
      const shared = await freePort();
      mkdirSync(join(ws, '.vscode'), { recursive: true });
      writeFileSync(
        join(ws, '.vscode/settings.json'),
        JSON.stringify({
          'codespaceTests.django.port': shared,
          'codespaceTests.python.interpreter': SYSTEM_PYTHON,
        }),
      );
      execFileSync(SYSTEM_PYTHON, ['backend/manage.py', 'migrate', '--noinput'], { cwd: ws });
      const r = await runCli(['run', '--workspace', ws, '--django', 'shared', '--json', TEST], { cwd: ws });
      assert.match(r.stderr, /Django mode: shared/);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual((await checkPort('127.0.0.1', shared)).kind, 'free', 'stopped at exit');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('a bad --django value is refused with the values it takes', async () => {
    const r = await runCli(['run', '--workspace', team, '--django', 'both', TEST], { cwd: team });
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /--django must be auto, shared or session/);
  });
});
