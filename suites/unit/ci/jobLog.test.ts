import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJobLog } from '../../../src/core/ci/jobLog';
import { importJobLogs } from '../../../src/core/ci/logImport';
import { treeFiles } from '../../../src/core/junit/import';
import type { TreeFile } from '../../../src/core/junit/nodeMap';
import { discoverFolder } from '../../../src/core/pytest/discovery';
import { reconcile } from '../../../src/core/pytest/reconcile';

const REPO = join(__dirname, '../../../..');
const LOGS = join(REPO, 'suites/fixtures/joblogs');
/** The JUnit corpus: its logs are real pytest output on it, run from the root with `-c svc/tests/integration/pytest.ini`. */
const SHAPES = join(REPO, 'suites/fixtures/junitshapes');
const log = (name: string) => readFileSync(join(LOGS, name), 'utf8');

/** What pytest -v printed for each test of the corpus (rootdir-relative ids). */
const VERBOSE: Record<string, string> = {
  'test_broken.py': 'errored',
  'test_classes.py::TestOuter::test_top': 'passed',
  'test_classes.py::TestOuter::TestInner::test_deep': 'passed',
  'test_classes.py::TestOuter::TestInner::TestInnermost::test_deepest': 'failed',
  'test_classes.py::test_module_level': 'passed',
  'test_outcomes.py::test_passes': 'passed',
  'test_outcomes.py::test_fails': 'failed',
  'test_outcomes.py::test_skipped': 'skipped',
  'test_outcomes.py::test_xfailed': 'skipped',
  'test_outcomes.py::test_xpass_strict': 'failed',
  'test_outcomes.py::test_setup_error': 'errored',
  'test_outcomes.py::test_fails_then_teardown_errors': 'failed',
  'test_params.py::test_ids[with space]': 'passed',
  'test_params.py::test_ids[a/b/c]': 'failed',
  'test_params.py::test_ids[dots.in.id]': 'passed',
  'test_params.py::test_ids[x::y]': 'passed',
  'test_params.py::test_ids[caf\\xe9]': 'passed',
  'test_params.py::test_ids[\\u65e5\\u672c]': 'passed',
  'test_params.py::test_ids[[bracket]]': 'passed',
  'test_params.py::TestInClass::test_case[one two]': 'passed',
  'test_params.py::TestInClass::test_case[three/four]': 'passed',
  'pkg/test_in_package.py::TestPackaged::test_inside': 'passed',
  'sub/test_loose.py::test_outside_package': 'passed',
  'test_twin.py::test_same': 'passed',
};

describe('CI job log: pytest lines to results', () => {
  let tree: TreeFile[];
  before(async () => {
    const include = '**/tests/integration/**/*.py';
    const files = await discoverFolder(SHAPES, include);
    tree = treeFiles(SHAPES, reconcile({ workspace: SHAPES, include, files, collections: new Map() }));
  });
  const outcomes = (results: { nodeid: string; outcome: string }[]) =>
    Object.fromEntries(results.map((r) => [r.nodeid, r.outcome]));

  it('reads a -v run with colours and timestamps: every outcome, parametrized ids, the summary messages and counts', () => {
    const read = readJobLog(log('verbose-color.log'));
    assert.strictEqual(read.complete, true);
    assert.deepStrictEqual(read.counts, { failed: 5, passed: 15, skipped: 1, xfailed: 1, error: 3 });
    const by = Object.fromEntries(read.results.map((r) => [r.id, r]));
    const S = 'svc/tests/integration/';
    assert.strictEqual(read.results.length, 24);
    assert.strictEqual(by[`${S}test_params.py::test_ids[with space]`].outcome, 'passed');
    assert.strictEqual(by[`${S}test_params.py::test_ids[[bracket]]`].outcome, 'passed');
    assert.strictEqual(by[`${S}test_params.py::test_ids[x::y]`].outcome, 'passed');
    assert.strictEqual(by[`${S}test_outcomes.py::test_fails`].message, 'assert 1 == 2');
    assert.strictEqual(by[`${S}test_outcomes.py::test_xfailed`].message, 'xfailed: known bu...');
    assert.strictEqual(by[`${S}test_outcomes.py::test_skipped`].message, 'not on...');
    assert.strictEqual(by[`${S}test_broken.py`].outcome, 'errored');
    const both = by[`${S}test_outcomes.py::test_fails_then_teardown_errors`];
    assert.strictEqual(both.outcome, 'failed');
    assert.match(
      both.message,
      /^AssertionError: call failed\n\nAlso: error: RuntimeError: teardown went wrong/,
    );
    // The log's timestamps: a test's time is from the pytest line before it to its result line.
    assert.strictEqual(
      Math.round(
        by[`${S}test_classes.py::TestOuter::TestInner::TestInnermost::test_deepest`].duration! * 1e4,
      ),
      Math.round((1.5 + 0.012345) * 1e4),
    );
    assert.strictEqual(
      Math.round(by[`${S}test_params.py::test_ids[with space]`].duration! * 1e4),
      Math.round((0.25 + 0.012345) * 1e4),
    );
  });

  it('maps a -v log run from the repository root onto the -c layout node ids, each saying it came from the log', () => {
    const got = importJobLogs(tree, [{ source: 'integration', text: log('verbose-color.log') }]);
    // The twin file of another rootdir: the repository-relative path in the log tells them apart.
    assert.deepStrictEqual(outcomes(got.results), VERBOSE);
    assert.deepStrictEqual(got.unmatched, []);
    assert.ok(got.results.every((r) => r.source === 'log'));
    assert.ok(got.results.every((r) => r.rootdir === join(SHAPES, 'svc/tests/integration')));
    const broken = got.results.find((r) => r.nodeid === 'test_broken.py')!;
    assert.strictEqual(broken.fileLevel, true);
    // Only the run's rootdir is selected: other/'s tests are not "not in the log".
    assert.deepStrictEqual(got.notInLog, []);
  });

  it('maps rootdir-relative paths (pytest run from the ini folder) to the same node ids', () => {
    const text = log('verbose-color.log').replaceAll('svc/tests/integration/', '');
    const got = importJobLogs(tree, [{ source: 'integration', text }]);
    const expected = { ...VERBOSE };
    // Two rootdirs hold a test_twin.py: a rootdir-relative path cannot say which, so it is not guessed.
    delete expected['test_twin.py::test_same'];
    assert.deepStrictEqual(outcomes(got.results), expected);
    assert.deepStrictEqual(
      got.unmatched.map((u) => [u.name, u.source]),
      [['test_same', 'integration:37']],
    );
    assert.match(got.unmatched[0].reason, /could be any of/);
  });

  it('a run without -v: only the short summary names tests; the others are "not in the log", never passed', () => {
    const got = importJobLogs(tree, [{ source: 'integration', text: log('summary-only.log') }]);
    assert.deepStrictEqual(outcomes(got.results), {
      'test_classes.py::TestOuter::TestInner::TestInnermost::test_deepest': 'failed',
      'test_outcomes.py::test_fails': 'failed',
      'test_outcomes.py::test_xpass_strict': 'failed',
      'test_outcomes.py::test_fails_then_teardown_errors': 'failed',
      'test_params.py::test_ids[a/b/c]': 'failed',
      'test_broken.py': 'errored',
      'test_outcomes.py::test_setup_error': 'errored',
    });
    assert.ok(got.results.every((r) => r.duration === undefined));
    assert.deepStrictEqual(got.counts, [
      {
        source: 'integration',
        counts: { failed: 5, passed: 15, skipped: 1, xfailed: 1, error: 3 },
        complete: true,
      },
    ]);
    const missing = got.notInLog.map((n) => n.nodeid);
    assert.ok(missing.includes('test_outcomes.py::test_passes'));
    assert.ok(missing.includes('test_params.py::test_ids[with space]'));
    assert.ok(!missing.includes('test_params.py::test_ids[a/b/c]'));
    assert.ok(!missing.includes('test_outcomes.py::test_fails'));
    assert.ok(!missing.some((id) => id.startsWith('test_broken.py')));
  });

  it('a truncated log keeps what was printed and says it is incomplete', () => {
    const read = readJobLog(log('truncated.log'));
    assert.strictEqual(read.complete, false);
    assert.strictEqual(read.counts, undefined);
    assert.strictEqual(read.results.length, 13);
    assert.ok(
      read.results.every((r) => !r.id.includes('test_params.py')),
      'the cut line is not a result',
    );
    const got = importJobLogs(tree, [{ source: 'integration', text: log('truncated.log') }]);
    assert.ok(got.notInLog.some((n) => n.nodeid === 'test_params.py::test_ids[x::y]'));
    assert.ok(!got.results.some((r) => r.nodeid.startsWith('test_params.py')));
  });

  it('reads pytest-xdist -v lines, no timestamps, CRLF, and ignores look-alikes in tracebacks and output', () => {
    const text = [
      '[gw0] [ 50%] PASSED tests/test_a.py::test_one ',
      '[gw1] [100%] FAILED tests/test_a.py::test_two[a - b] ',
      'E   assert "tests/test_a.py::test_x PASSED" == ""',
      'tests/test_a.py:12: AssertionError',
      'FAILED tests/test_a.py::test_three - not in a summary',
      '=== short test summary info ===',
      'FAILED tests/test_a.py::test_two[a - b] - assert 1 - 2',
      '=== 1 failed, 1 passed in 0.5s ===',
    ].join('\r\n');
    const read = readJobLog(text);
    assert.deepStrictEqual(
      read.results.map((r) => [r.id, r.outcome, r.message, r.duration]),
      [
        ['tests/test_a.py::test_one', 'passed', '', undefined],
        ['tests/test_a.py::test_two[a - b]', 'failed', 'assert 1 - 2', undefined],
      ],
    );
  });
});
