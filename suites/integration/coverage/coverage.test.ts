import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coverageRc } from '../../../src/core/coverage/coverageRun';
import { parseCoverageJson, linesOfTest, type CoverageReport } from '../../../src/core/coverage/report';
import { freePort, runCli, teamFixtureCopy } from '../support';
import { SYSTEM_PYTHON } from '../django/djangoFixture';

const INTEGRATION = 'backend/oracles/tests/integration';
const TESTS = `${INTEGRATION}/test_views.py`;
const VIEWS = 'backend/applications/views.py';

/** Executed lines per file, relative to the copy: what both ways must agree on. */
function executedByFile(report: CoverageReport, root: string): Record<string, number[]> {
  return Object.fromEntries(report.files.map((f) => [f.path.slice(root.length + 1), f.executed]));
}

/** The line of `views.py` that holds `text` (1-based). */
function lineOf(root: string, text: string): number {
  const i = readFileSync(join(root, VIEWS), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
}

describe('codespace-tests run --coverage: pytest and the session-owned Django, test by test', function () {
  this.timeout(240_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('the combined data equals coverage.py run by hand on the same tests (pytest under coverage run, the conftest edited to run the server under it)', async () => {
    // Ours: the team repository as it is, the conftest untouched.
    const ours = teamFixtureCopy('cit-cov-ours-', await freePort());
    const out = mkdtempSync(join(tmpdir(), 'cit-cov-out-'));
    dirs.push(ours, out);
    const r = await runCli(
      ['run', '--workspace', ours, '--json', '--coverage', '--coverage-dir', out, TESTS],
      {
        cwd: ours,
      },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as {
      results: { outcome: string }[];
      coverage: { files: { file: string; covered: number; total: number }[]; json: string; lcov: string };
    };
    assert.deepStrictEqual(
      json.results.map((x) => x.outcome),
      ['passed', 'passed'],
    );
    const views = json.coverage.files.find((f) => f.file === VIEWS);
    assert.ok(views && views.covered > 0 && views.covered < views.total, JSON.stringify(views));
    assert.match(readFileSync(join(out, 'coverage.lcov'), 'utf8'), new RegExp(`SF:.*${VIEWS}`));
    const report = parseCoverageJson(readFileSync(join(out, 'coverage.json'), 'utf8'), ours);

    // By hand: the same tests, pytest under `coverage run`, and the conftest's runserver wrapped by hand.
    const hand = teamFixtureCopy('cit-cov-hand-', await freePort());
    dirs.push(hand);
    const conftest = join(hand, INTEGRATION, 'conftest.py');
    const source = readFileSync(conftest, 'utf8');
    // `coverage run` saves at its end, not on SIGTERM (coverage.py 6.5): the hand edit stops the server with SIGINT.
    const edited = source
      .replace(
        '[sys.executable, "-u", str(MANAGE_PY), "runserver"',
        '[sys.executable, "-m", "coverage", "run", "--parallel-mode", str(MANAGE_PY), "runserver"',
      )
      .replace('process.terminate()', 'process.send_signal(__import__("signal").SIGINT)');
    assert.notStrictEqual(edited, source, 'the conftest starts runserver as expected');
    writeFileSync(conftest, edited);
    const data = join(hand, '.cov-data');
    mkdirSync(data);
    writeFileSync(join(hand, '.coveragerc'), coverageRc(hand, join(data, '.coverage')));
    const env = { ...process.env, COVERAGE_RCFILE: join(hand, '.coveragerc'), PYTHONUNBUFFERED: '1' };
    const py = (...args: string[]) => execFileSync(SYSTEM_PYTHON, args, { cwd: hand, env, stdio: 'pipe' });
    py(
      '-m',
      'coverage',
      'run',
      '--parallel-mode',
      '-m',
      'pytest',
      '-c',
      `${INTEGRATION}/pytest.ini`,
      TESTS,
      '-q',
    );
    py('-m', 'coverage', 'combine', '-q', data);
    py('-m', 'coverage', 'json', '-q', '-o', join(hand, 'hand.json'), '--data-file', join(data, '.coverage'));
    const byHand = parseCoverageJson(readFileSync(join(hand, 'hand.json'), 'utf8'), hand);

    const mine = executedByFile(report, ours);
    const theirs = executedByFile(byHand, hand);
    // The edited conftest differs by its one line; every other file, the server's and the tests', agrees line for line.
    delete mine[`${INTEGRATION}/conftest.py`];
    delete theirs[`${INTEGRATION}/conftest.py`];
    assert.deepStrictEqual(mine, theirs);
    assert.ok(mine[VIEWS].length > 0);

    // Test by test: the feature flags view ran in its test only, whoami's in its own.
    const file = report.files.find((f) => f.path === join(ours, VIEWS))!;
    const flags = lineOf(ours, 'FEATURE_FLAGS.update') - 1; // the POST branch's `if`, above it
    const flagsReturn = lineOf(ours, 'return JsonResponse({"flags": FEATURE_FLAGS})');
    const whoami = lineOf(ours, 'return JsonResponse({"username": request.api_user.username})');
    const flagsTest = 'test_views.py::test_feature_flags_view';
    const whoamiTest = 'test_views.py::test_whoami_view';
    assert.ok(flags > 0);
    assert.deepStrictEqual(file.contexts.get(flagsReturn), [flagsTest]);
    assert.deepStrictEqual(file.contexts.get(whoami), [whoamiTest]);
    assert.ok(linesOfTest(file, flagsTest).includes(flagsReturn));
    assert.ok(!linesOfTest(file, whoamiTest).includes(flagsReturn));
  });

  it("without coverage.py in the tests' Python: exit 1 before any test, naming the command that adds it", async () => {
    const team = teamFixtureCopy('cit-cov-none-', await freePort());
    dirs.push(team);
    // An interpreter whose `import coverage` fails: a package that raises ImportError shadows the real one.
    const shadow = join(team, '.no-coverage');
    mkdirSync(join(shadow, 'coverage'), { recursive: true });
    writeFileSync(
      join(shadow, 'coverage/__init__.py'),
      'raise ImportError("No module named \'coverage\'")\n',
    );
    const python = join(team, '.no-coverage/python');
    writeFileSync(
      python,
      `#!/bin/sh\nPYTHONPATH=${shadow}\${PYTHONPATH:+:$PYTHONPATH} exec ${SYSTEM_PYTHON} "$@"\n`,
    );
    chmodSync(python, 0o755);
    const r = await runCli(['run', '--workspace', team, '--python', python, '--json', '--coverage', TESTS], {
      cwd: team,
    });
    assert.strictEqual(r.code, 1, r.stderr);
    assert.strictEqual(r.stdout, '', 'no test ran');
    assert.match(r.stderr, /coverage\.py is not installed in the tests' Python/);
    assert.ok(r.stderr.includes(`Add it with: ${python} -m pip install coverage`), r.stderr);
  });
});
