import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverFolder } from '../../../src/core/pytest/discovery';
import { buildPytestLaunch, type LaunchInput } from '../../../src/core/pytest/launch';
import { runPytestSession } from '../../../src/core/pytest/session';
import { PLUGIN_DIR, SYSTEM_PYTHON } from './pytestHelpers';

// Issue 3, "Bad input gets a clear answer": each case ends with a message that says what happened and what to do.
describe('bad input gets a clear answer (real pytest)', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cit-problems-'));
    writeFileSync(join(dir, 'pytest.ini'), '[pytest]\n');
    writeFileSync(
      join(dir, 'test_sample.py'),
      'def test_passes():\n    pass\n\ndef test_interrupts():\n    raise KeyboardInterrupt\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function input(over: Partial<LaunchInput> = {}): LaunchInput {
    return {
      base: { command: SYSTEM_PYTHON, args: ['-m', 'pytest'] },
      mode: 'run',
      ini: join(dir, 'pytest.ini'),
      nodeIds: ['test_sample.py::test_passes'],
      extraArgs: ['-p', 'no:cacheprovider'],
      cwd: dir,
      baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONDONTWRITEBYTECODE: '1' },
      pluginDir: PLUGIN_DIR,
      ...over,
    };
  }
  const problemOf = async (over: Partial<LaunchInput> = {}) =>
    (await runPytestSession(buildPytestLaunch(input(over)))).problem ?? '';

  it('the configured command is not found', async () => {
    const problem = await problemOf({ base: { command: 'no-such-pytest-command', args: [] } });
    assert.match(problem, /The test command "no-such-pytest-command" was not found/);
    assert.match(problem, /change "codespaceTests.tests.command"/);
  });

  it('pytest is interrupted (exit code 2)', async () => {
    const problem = await problemOf({ nodeIds: ['test_sample.py::test_interrupts'] });
    assert.match(
      problem,
      /^pytest was interrupted \(exit code 2\): a test or conftest.py raised KeyboardInterrupt/,
    );
  });

  it('pytest hits an internal error (exit code 3)', async () => {
    const sub = join(dir, 'internal');
    mkdirSync(sub);
    writeFileSync(join(sub, 'pytest.ini'), '[pytest]\n');
    writeFileSync(
      join(sub, 'conftest.py'),
      'def pytest_collection_modifyitems(items):\n    raise RuntimeError("hook broke")\n',
    );
    writeFileSync(join(sub, 'test_one.py'), 'def test_one():\n    pass\n');
    const problem = await problemOf({ ini: join(sub, 'pytest.ini'), nodeIds: ['test_one.py'], cwd: sub });
    assert.match(
      problem,
      /^pytest hit an internal error \(exit code 3\): usually a plugin or conftest.py raised/,
    );
    assert.match(problem, /Last output:[\s\S]*RuntimeError: hook broke/);
  });

  it('pytest rejects its command line (exit code 4)', async () => {
    const problem = await problemOf({ extraArgs: ['--no-such-option'] });
    assert.match(problem, /^pytest rejected its command line \(exit code 4, usage error\)/);
    assert.match(problem, /Check "codespaceTests.tests.extraArgs"/);
    assert.match(problem, /--no-such-option/, "pytest's own complaint is quoted");
  });

  it('zero tests are selected (exit code 5)', async () => {
    const problem = await problemOf({ nodeIds: ['test_sample.py'], extraArgs: ['-k', 'nothing_matches'] });
    assert.match(problem, /^No tests were selected \(pytest exit code 5\).*Refresh the tests and try again/);
  });

  it('a file fails to collect', async () => {
    writeFileSync(join(dir, 'test_broken.py'), 'def test_ok():\n    pass\n\ndef test_bad(:\n    pass\n');
    try {
      const s = await runPytestSession(buildPytestLaunch(input({ nodeIds: ['test_broken.py'] })));
      const err = s.events.find((e) => e.event === 'collectError');
      assert.ok(err && err.event === 'collectError');
      assert.strictEqual(err.nodeid, 'test_broken.py');
      assert.strictEqual(err.line, 4);
      assert.match(
        s.problem ?? '',
        /^pytest could not collect test_broken.py: fix the error shown on that file/,
      );
      assert.match(s.problem ?? '', /SyntaxError|invalid syntax/);
    } finally {
      rmSync(join(dir, 'test_broken.py'));
    }
  });

  it('the plugin socket never connects because pytest died early', async () => {
    const s = await runPytestSession(
      buildPytestLaunch(
        input({ base: { command: SYSTEM_PYTHON, args: ['-c', 'import sys; print("boom"); sys.exit(3)'] } }),
      ),
    );
    assert.strictEqual(s.connected, false);
    assert.match(
      s.problem ?? '',
      /^pytest hit an internal error \(exit code 3\) before the extension's plugin connected/,
    );
    assert.match(s.problem ?? '', /Last output:\nboom/);
  });

  it('the plugin never connects because pytest is not installed for the interpreter', async () => {
    const s = await runPytestSession(
      buildPytestLaunch(input({ base: { command: SYSTEM_PYTHON, args: ['-m', 'no_such_pytest_module'] } })),
    );
    assert.strictEqual(s.connected, false);
    assert.match(
      s.problem ?? '',
      /^pytest ended \(exit code 1\) before the extension's plugin connected, so no results can be shown/,
    );
    assert.match(s.problem ?? '', /codespaceTests.python.interpreter/);
    assert.match(s.problem ?? '', /No module named no_such_pytest_module/);
  });

  it('pytest.ini is invalid or missing: the static read says so on the file', async () => {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'invalid'), { recursive: true });
    mkdirSync(join(ws, 'none'), { recursive: true });
    writeFileSync(join(ws, 'invalid/pytest.ini'), '[pytest]\nthis line is nonsense\n');
    writeFileSync(join(ws, 'invalid/test_a.py'), 'def test_a():\n    pass\n');
    writeFileSync(join(ws, 'none/test_b.py'), 'def test_b():\n    pass\n');
    const files = await discoverFolder(ws, '**/*.py');
    const problem = (name: string) => files.find((f) => f.path.endsWith(name))?.problem ?? '';
    assert.match(
      problem('test_a.py'),
      /invalid\/pytest.ini is not a valid pytest.ini \(line 2: .*\)\. Fix it, then refresh the tests\./,
    );
    assert.match(
      problem('test_b.py'),
      /^No pytest.ini governs .*test_b.py: add one \(with a \[pytest\] section\)/,
    );
  });
});
