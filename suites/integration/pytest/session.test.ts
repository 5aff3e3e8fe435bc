import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelSource } from '../../../src/core/cancel';
import { buildPytestLaunch, type LaunchInput } from '../../../src/core/pytest/launch';
import type { FinishedEvent, PluginEvent } from '../../../src/core/pytest/protocol';
import { runPytestSession } from '../../../src/core/pytest/session';
import { pidAlive, waitUntil } from '../support';
import { PLUGIN_DIR, SYSTEM_PYTHON } from './pytestHelpers';

const SAMPLE = `import os, subprocess, sys, time, logging
import pytest

def add(a, b):
    return a + b

def test_passes():
    print("out line")
    sys.stderr.write("err line\\n")
    logging.getLogger("sample").warning("log line")

def test_compares():
    assert add(1, 1) == 3

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

@pytest.mark.xfail(reason="known")
def test_xfails():
    assert False

@pytest.fixture
def broken():
    raise RuntimeError("setup broke")

def test_setup_error(broken):
    pass

@pytest.mark.parametrize("n", [1, 2])
def test_case(n):
    assert n == 1

def test_sleeps():
    child = subprocess.Popen(["sleep", "30"])
    with open(os.environ["PID_FILE"], "w") as f:
        f.write(f"{os.getpid()} {child.pid}")
    time.sleep(30)
`;

describe('pytest session with the plugin (real pytest)', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cit-session-'));
    writeFileSync(join(dir, 'pytest.ini'), '[pytest]\nlog_level = INFO\n');
    writeFileSync(join(dir, 'test_sample.py'), SAMPLE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function launch(nodeIds: string[], over: Partial<LaunchInput> = {}) {
    return buildPytestLaunch({
      base: { command: SYSTEM_PYTHON, args: ['-m', 'pytest'] },
      mode: 'run',
      ini: join(dir, 'pytest.ini'),
      nodeIds,
      extraArgs: ['-p', 'no:cacheprovider'],
      cwd: dir,
      baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONDONTWRITEBYTECODE: '1' },
      pluginDir: PLUGIN_DIR,
      ...over,
    });
  }

  const finished = (events: PluginEvent[]) =>
    new Map(events.filter((e): e is FinishedEvent => e.event === 'finished').map((e) => [e.nodeid, e]));

  it('streams each outcome with times, output, the failing line and expected/actual', async () => {
    const ids = [
      'test_passes',
      'test_compares',
      'test_skipped',
      'test_xfails',
      'test_setup_error',
      'test_case[1]',
      'test_case[2]',
    ].map((n) => `test_sample.py::${n}`);
    let output = '';
    const s = await runPytestSession(launch(ids, { color: true }), { onOutput: (c) => (output += c) });
    assert.strictEqual(s.problem, undefined);
    assert.ok(s.connected);
    const r = finished(s.events);
    const outcome = (n: string) => r.get(`test_sample.py::${n}`)?.outcome;
    assert.deepStrictEqual(
      [
        'test_passes',
        'test_compares',
        'test_skipped',
        'test_xfails',
        'test_setup_error',
        'test_case[1]',
        'test_case[2]',
      ].map(outcome),
      ['passed', 'failed', 'skipped', 'xfailed', 'error', 'passed', 'failed'],
    );
    const passed = r.get('test_sample.py::test_passes')!;
    assert.match(passed.stdout, /out line/);
    assert.match(passed.stderr, /err line/);
    assert.match(passed.log, /log line/);
    assert.ok(passed.start > Date.now() - 60_000 && passed.stop >= passed.start);
    const failed = r.get('test_sample.py::test_compares')!;
    assert.strictEqual(failed.failure?.line, 13, 'the assert line of test_compares');
    assert.strictEqual(failed.failure?.actual, '2');
    assert.strictEqual(failed.failure?.expected, '3');
    assert.strictEqual(r.get('test_sample.py::test_skipped')!.reason, 'not today');
    assert.match(r.get('test_sample.py::test_setup_error')!.failure!.message, /setup broke/);
    assert.strictEqual(r.get('test_sample.py::test_setup_error')!.when, 'setup');
    assert.ok(output.includes('\x1b['), 'the run output keeps its colors');
  });

  it('cancel kills pytest and what it started', async () => {
    const pidFile = join(dir, 'pids');
    const source = new CancelSource();
    const done = runPytestSession(
      launch(['test_sample.py::test_sleeps'], { settingsEnv: { PID_FILE: pidFile } }),
      { token: source.token },
    );
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').includes(' '), 20_000);
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    assert.ok(pids.every(pidAlive));
    source.cancel();
    const s = await done;
    // Whether they are gone, not how fast: a loaded machine is slow (the speed belongs in npm run bench).
    await waitUntil(() => !pids.some(pidAlive), 10_000);
    assert.ok(s.cancelled);
    assert.strictEqual(s.problem, undefined, 'a cancelled run is not a problem');
  });
});
