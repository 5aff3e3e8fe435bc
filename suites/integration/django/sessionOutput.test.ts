import * as assert from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToEnd } from '../../../src/core/process/childProcess';
import { buildPytestLaunch, type PytestLaunch } from '../../../src/core/pytest/launch';
import type { PluginEvent, ServerOutputEvent } from '../../../src/core/pytest/protocol';
import { runPytestSession } from '../../../src/core/pytest/session';
import { PLUGIN_DIR } from '../pytest/pytestHelpers';
import { FixtureCopy, freePort, SYSTEM_PYTHON } from './djangoFixture';

/**
 * A conftest-style test that starts the fixture's real `manage.py runserver` the ways a team's session fixture
 * does, requests /health/ and an endpoint that logs a warning, stops it and writes down what it received.
 */
const SERVER_TESTS = `import os, pathlib, subprocess, sys, threading, time, urllib.error, urllib.request
import pytest

BACKEND = os.environ["BACKEND_DIR"]
OUT = pathlib.Path(os.environ["OUT_DIR"])
PORTS = dict(item.split("=") for item in os.environ["PORTS"].split(","))


def get(url):
    try:
        return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code


def exercise(port):
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            if get(base + "/health/") == 200:
                break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    # The server logs a request just after answering it, from a thread of its own: waits keep the order.
    time.sleep(0.5)
    assert get(base + "/api/applications/") == 401
    time.sleep(0.5)


def start(port, **streams):
    return subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                            cwd=BACKEND, **streams)


def stop(p):
    p.terminate()
    return p.wait(timeout=10)


@pytest.mark.parametrize("mode", sorted(PORTS))
def test_server(mode):
    port, out, err = PORTS[mode], OUT / f"{mode}.out", OUT / f"{mode}.err"
    if mode == "inherit":
        # The child inherits fds 1 and 2 as they are at Popen time; they change right after.
        with open(out, "ab") as o, open(err, "ab") as e:
            saved = os.dup(1), os.dup(2)
            os.dup2(o.fileno(), 1)
            os.dup2(e.fileno(), 2)
            try:
                p = start(port)
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])
        exercise(port)
        rc = stop(p)
    elif mode == "file":
        with open(out, "wb") as f:
            p = start(port, stdout=f, stderr=subprocess.STDOUT)
            exercise(port)
            rc = stop(p)
    elif mode == "pipe_text":
        p = start(port, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        lines = []
        def pump():
            for line in iter(p.stdout.readline, ""):
                lines.append(line)
            p.stdout.close()
        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        exercise(port)
        rc = stop(p)
        reader.join(timeout=10)
        assert not reader.is_alive(), "no EOF on the pipe after the server ended"
        out.write_text("".join(lines), encoding="utf-8")
    elif mode == "pipe_bytes":
        p = start(port, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        exercise(port)
        p.terminate()
        o, e = p.communicate(timeout=10)
        rc = p.returncode
        out.write_bytes(o)
        err.write_bytes(e)
    else:
        p = start(port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        exercise(port)
        rc = stop(p)
    (OUT / f"{mode}.rc").write_text(str(rc))
    (OUT / f"{mode}.pid").write_text(str(p.pid))
`;

/** Django inside pytest (its test client), and a server started where the plugin cannot see its output. */
const IN_PROCESS_TEST = `import logging, os, sys


def test_in_process_django():
    sys.path.insert(0, os.environ["BACKEND_DIR"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    django.setup()
    from django.test import Client
    assert Client().get("/api/applications/").status_code == 401
    logging.getLogger("django.server").info("served in process")


def test_os_system():
    assert os.system("true runserver") == 0
    assert os.system("true runserver again") == 0
`;

const MODES = ['devnull', 'file', 'inherit', 'pipe_bytes', 'pipe_text'];
const REQUEST = /"GET \/health\/ HTTP\/1\.1" 200/;
const WARNING = /WARNING applications: Rejected request to \/api\/applications\/: missing Api-Key header/;

const serverLine = (e: PluginEvent, into: ServerOutputEvent[]) => e.event === 'serverOutput' && into.push(e);

/** What differs between two runs of the same server: the clock. */
function normalized(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}/g, 'T')
    .replace(/^[A-Z][a-z]+ \d\d, \d{4} - \d\d:\d\d:\d\d$/gm, 'DATE');
}

describe("Session mode: the plugin tees the output of the session's own runserver (real Django)", function () {
  this.timeout(180_000);
  const fixture = new FixtureCopy();
  const dir = mkdtempSync(join(tmpdir(), 'cit-session-output-'));
  let launch: (out: string, ports: Record<string, number>, file?: string) => PytestLaunch;

  before(() => {
    writeFileSync(join(dir, 'pytest.ini'), '[pytest]\n');
    writeFileSync(join(dir, 'test_server.py'), SERVER_TESTS);
    writeFileSync(join(dir, 'test_in_process.py'), IN_PROCESS_TEST);
    launch = (out, ports, file = 'test_server.py') =>
      buildPytestLaunch({
        base: { command: SYSTEM_PYTHON, args: ['-m', 'pytest'] },
        mode: 'run',
        ini: join(dir, 'pytest.ini'),
        nodeIds: [file],
        extraArgs: ['-p', 'no:cacheprovider', '-p', 'no:django', '-s'],
        cwd: dir,
        baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONDONTWRITEBYTECODE: '1' },
        settingsEnv: {
          BACKEND_DIR: join(fixture.dir, 'backend'),
          DJANGO_DB_PATH: fixture.db,
          OUT_DIR: out,
          PORTS: Object.entries(ports)
            .map(([m, p]) => `${m}=${p}`)
            .join(','),
        },
        pluginDir: PLUGIN_DIR,
      });
  });
  after(() => {
    fixture.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ports(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const m of MODES) out[m] = await freePort();
    return out;
  }

  const read = (out: string, mode: string, ext: string) =>
    existsSync(join(out, `${mode}.${ext}`)) ? readFileSync(join(out, `${mode}.${ext}`), 'utf8') : '';

  it('inherited, a file, PIPE (text and bytes), DEVNULL: the conftest gets the same bytes and exit codes, the extension every line', async () => {
    const bare = join(dir, 'bare');
    const teed = join(dir, 'teed');
    mkdirSync(bare);
    mkdirSync(teed);
    // Without the results channel the plugin stays out of the way: what the conftest gets on its own.
    // Same ports in both runs (one after the other), so the server prints the same address.
    const used = await ports();
    const without = launch(bare, used);
    const r = await runToEnd({ command: without.command, args: without.args, cwd: dir, env: without.env });
    assert.deepStrictEqual(r.exit, { kind: 'exited', code: 0 }, r.stdout + r.stderr);

    const since = Date.now();
    const lines: ServerOutputEvent[] = [];
    const s = await runPytestSession(launch(teed, used), { onEvent: (e) => serverLine(e, lines) });
    assert.deepStrictEqual(s.exit, { kind: 'exited', code: 0 }, s.tail.join('\n'));
    assert.strictEqual(s.problem, undefined);
    assert.ok(!s.events.some((e) => e.event === 'serverOutput'), 'the session does not keep them');
    for (const mode of MODES) {
      for (const ext of ['out', 'err', 'rc'])
        assert.strictEqual(
          normalized(read(teed, mode, ext)),
          normalized(read(bare, mode, ext)),
          `${mode}.${ext}: what the conftest got with the plugin and without it`,
        );
      assert.strictEqual(read(teed, mode, 'rc'), '-15');
      if (mode !== 'devnull') assert.match(read(bare, mode, 'out'), REQUEST, `${mode}: the server wrote it`);
      const pid = Number(read(teed, mode, 'pid'));
      const mine = lines.filter((l) => l.pid === pid);
      assert.ok(
        mine.some((l) => REQUEST.test(l.text)),
        `${mode}: the request line was forwarded (${mine.length} lines)`,
      );
      assert.ok(
        mine.some((l) => WARNING.test(l.text)),
        `${mode}: the logged warning was forwarded`,
      );
      assert.ok(mine.some((l) => /^Starting development server at http:\/\/127\.0\.0\.1:/.test(l.text)));
      assert.ok(
        mine.every((l) => l.time >= since && l.time <= Date.now()),
        `${mode}: arrival times`,
      );
    }
  });

  it("a Django inside pytest: its loggers' records with their level; os.system is named once, with what to do", async () => {
    let output = '';
    const lines: ServerOutputEvent[] = [];
    const s = await runPytestSession(launch(dir, {}, 'test_in_process.py'), {
      onOutput: (c) => (output += c),
      onEvent: (e) => serverLine(e, lines),
    });
    assert.deepStrictEqual(s.exit, { kind: 'exited', code: 0 }, s.tail.join('\n'));
    const record = (logger: string, text: RegExp) =>
      lines.find((l) => l.stream === 'log' && l.logger === logger && text.test(l.text));
    assert.strictEqual(
      record('applications', /^Rejected request to \/api\/applications\/: missing Api-Key header$/)?.level,
      'warn',
    );
    assert.strictEqual(record('django.request', /^Unauthorized: \/api\/applications\/$/)?.level, 'warn');
    assert.strictEqual(record('django.server', /^served in process$/)?.level, 'info');
    assert.strictEqual(
      lines.filter((l) => /Rejected request/.test(l.text)).length,
      1,
      'a record is forwarded once, however many loggers it passes',
    );
    // What the loggers print is unchanged: the fixture's settings send them to stdout (-s: pytest's output).
    assert.match(output, WARNING);
    assert.match(output, /INFO django\.server: served in process/);
    const notes = s.events.filter(
      (e): e is Extract<PluginEvent, { event: 'serverOutputNote' }> => e.event === 'serverOutputNote',
    );
    assert.strictEqual(notes.length, 1, 'said once');
    assert.match(notes[0].message, /os\.system \(true runserver\)/);
    assert.match(notes[0].message, /codespaceTests\.django\.logFile/);
  });
});
