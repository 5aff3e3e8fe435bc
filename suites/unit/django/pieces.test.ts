import * as assert from 'node:assert';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { LineTail } from '../../../src/core/lines/lineTail';
import {
  describeServerExit,
  explainExit,
  problemInLine,
  problemsIn,
} from '../../../src/core/django/diagnose';
import { buildLaunch, clientUrl, serverEnv } from '../../../src/core/django/launch';
import { looksLikeDjango, describeOwner } from '../../../src/core/django/conflict';

describe('Django pieces: tail, detection, launch', () => {
  it('keeps the last N lines, oldest dropped', () => {
    const t = new LineTail(3);
    for (const l of ['a', 'b', 'c', 'd', 'e']) t.push(l);
    assert.deepStrictEqual(t.snapshot(), ['c', 'd', 'e']);
    t.clear();
    assert.deepStrictEqual(t.snapshot(), []);
  });

  it('strips color codes', () => {
    assert.strictEqual(stripAnsi('\x1b[31;1mYou have 3\x1b[0m x'), 'You have 3 x');
  });

  it('recognises unapplied migrations, a missing manage.py, a missing Django', () => {
    assert.strictEqual(
      problemInLine('You have 15 unapplied migration(s). Your project may not work')?.kind,
      'unappliedMigrations',
    );
    assert.strictEqual(
      problemInLine(
        "/usr/bin/python3: can't open file '/x/backend/manage.py': [Errno 2] No such file or directory",
      )?.kind,
      'manageMissing',
    );
    assert.strictEqual(problemInLine("ModuleNotFoundError: No module named 'django'")?.kind, 'djangoMissing');
    assert.strictEqual(problemInLine('Quit the server with CONTROL-C.'), undefined);
    assert.deepStrictEqual(
      problemsIn(['You have 1 unapplied migration(s).', 'You have 1 unapplied migration(s).']).length,
      1,
    );
  });

  it('explains exits in words', () => {
    assert.strictEqual(
      describeServerExit({ kind: 'exited', code: 247 }),
      'exit code 247: its server process was killed by SIGKILL',
    );
    assert.strictEqual(describeServerExit({ kind: 'exited', code: 1 }), 'exit code 1');
    assert.match(
      explainExit({ kind: 'exited', code: 1 }, ['boom'], 'python', '/w'),
      /Django exited \(exit code 1\)\. See its output in the Django terminal\./,
    );
    assert.match(
      explainExit({ kind: 'failedToStart', error: new Error('x'), notFound: true }, [], 'uvx', '/w'),
      /The command "uvx" was not found/,
    );
  });

  it('builds the launch: uv fallback, --force-color, host:port, migrate and URLs', async () => {
    const env = serverEnv(
      { PATH: '/nonexistent', FOO: 'base' },
      { FOO: 'file', BAR: 'file' },
      { BAR: 'settings' },
    );
    assert.strictEqual(env.FOO, 'file');
    assert.strictEqual(env.BAR, 'settings');
    assert.strictEqual(env.PYTHONUNBUFFERED, '1');
    assert.strictEqual(env.FORCE_COLOR, '1');
    const launch = await buildLaunch(
      {
        command: 'uv run python backend/manage.py runserver',
        host: '0.0.0.0',
        port: 8123,
        cwd: '/w',
        env: {},
        healthPath: 'health/',
        startTimeoutSeconds: 5,
        apiKeyCommand: 'uv run python backend/manage.py print_api_key baseten',
        interpreter: '/usr/bin/python3',
      },
      env,
    );
    assert.deepStrictEqual(
      [launch.server.command, ...launch.server.args],
      ['/usr/bin/python3', 'backend/manage.py', 'runserver', '--force-color', '0.0.0.0:8123'],
    );
    assert.deepStrictEqual(
      [launch.apiKey?.command, ...(launch.apiKey?.args ?? [])],
      ['/usr/bin/python3', 'backend/manage.py', 'print_api_key', 'baseten'],
    );
    assert.deepStrictEqual(
      [launch.migrate?.command, ...(launch.migrate?.args ?? [])],
      ['/usr/bin/python3', 'backend/manage.py', 'migrate', '--noinput'],
    );
    assert.strictEqual(launch.url, 'http://127.0.0.1:8123');
    assert.strictEqual(launch.healthUrl, 'http://127.0.0.1:8123/health/');
    assert.strictEqual(launch.startTimeoutMs, 5000);
    assert.match(launch.notes[0], /"uv" is not on PATH/);
    assert.strictEqual(clientUrl('::', 1), 'http://[::1]:1');
  });

  it('reuses only a Django answering below 500', () => {
    const django = { pid: 1, ppid: 0, commandLine: 'python manage.py runserver', startTime: '1' };
    assert.strictEqual(looksLikeDjango(django, { kind: 'answered', status: 200, server: undefined }), true);
    assert.strictEqual(looksLikeDjango(django, { kind: 'answered', status: 502, server: undefined }), false);
    assert.strictEqual(looksLikeDjango(django, { kind: 'noAnswer', error: 'ECONNREFUSED' }), false);
    assert.strictEqual(
      looksLikeDjango(
        { ...django, commandLine: 'python3 -m http.server' },
        { kind: 'answered', status: 404, server: 'SimpleHTTP/0.6' },
      ),
      false,
    );
    assert.strictEqual(
      looksLikeDjango(undefined, { kind: 'answered', status: 200, server: 'WSGIServer/0.2 CPython/3.11' }),
      true,
    );
    assert.strictEqual(describeOwner(undefined), 'a process this user cannot inspect');
  });
});
