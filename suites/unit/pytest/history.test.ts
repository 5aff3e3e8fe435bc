import * as assert from 'node:assert';
import {
  describeFlakiness,
  emptyHistory,
  flakiness,
  MAX_RUNS_PER_TEST,
  MAX_TESTS,
  MAX_CI_RUNS,
  readHistory,
  recordCiRun,
  recordRun,
} from '../../../src/core/pytest/history';
import { parseTimes, runRepeatedly } from '../../../src/core/pytest/repeat';
import { CancelSource } from '../../../src/core/cancel';

describe('test history and flakiness', () => {
  it("a CI run's results count once, as CI; errored (not run on CI) is no run", () => {
    let h = recordRun(emptyHistory(), [['a', 'passed']], 1);
    h = recordCiRun(
      h,
      7,
      [
        ['a', 'failed'],
        ['b', 'errored'],
      ],
      2,
    );
    assert.deepStrictEqual(h.tests.a, [
      { outcome: 'passed', at: 1, source: 'local' },
      { outcome: 'failed', at: 2, source: 'ci' },
    ]);
    assert.strictEqual(h.tests.b, undefined);
    assert.strictEqual(recordCiRun(h, 7, [['a', 'passed']], 3), h, 'the same CI run again adds nothing');
    const after = recordRun(h, [['a', 'passed']], 4);
    assert.deepStrictEqual(after.ciRuns, [7], 'a local run keeps the CI runs recorded');
    assert.deepStrictEqual(readHistory(JSON.parse(JSON.stringify(after))), after, 'stored and read back');
    let many = emptyHistory();
    for (let id = 1; id <= MAX_CI_RUNS + 5; id++) many = recordCiRun(many, id, [['a', 'passed']], id);
    assert.strictEqual(many.ciRuns?.length, MAX_CI_RUNS, 'the CI runs remembered are bounded');
    assert.strictEqual(many.ciRuns?.[0], 6, 'the oldest forgotten first');
  });

  it('records passes and failures; skips and tests that never ran are not runs', () => {
    const h = recordRun(
      emptyHistory(),
      [
        ['a', 'passed'],
        ['b', 'error'],
        ['c', 'skipped'],
        ['d', 'skipped-not-run'],
        ['e', 'xpassed'],
        ['f', 'errored-run'],
      ],
      1000,
    );
    assert.deepStrictEqual(h.tests, {
      a: [{ outcome: 'passed', at: 1000, source: 'local' }],
      b: [{ outcome: 'failed', at: 1000, source: 'local' }],
      e: [{ outcome: 'passed', at: 1000, source: 'local' }],
    });
  });

  it('is flaky when the last K runs are mixed, and says its fail rate', () => {
    let h = emptyHistory();
    for (const o of ['passed', 'passed', 'failed', 'passed']) h = recordRun(h, [['t', o]], 1);
    const f = flakiness(h.tests.t);
    assert.deepStrictEqual(f, { flaky: true, runs: 4, failed: 1 });
    assert.strictEqual(describeFlakiness(f), 'flaky: failed 1 of the last 4 runs (25 %)');
    assert.strictEqual(flakiness(h.tests.t, 1).flaky, false, 'only the last K runs count');
    for (let i = 0; i < 10; i++) h = recordRun(h, [['t', 'failed']], 2);
    assert.deepStrictEqual(
      flakiness(h.tests.t),
      { flaky: false, runs: 10, failed: 10 },
      'always failing is not flaky',
    );
    assert.strictEqual(flakiness(undefined).flaky, false);
  });

  it('stays bounded: runs per test, and tests (the least recently run dropped first)', () => {
    let h = emptyHistory();
    for (let i = 0; i < MAX_RUNS_PER_TEST + 5; i++) h = recordRun(h, [['t', 'passed']], i);
    assert.strictEqual(h.tests.t.length, MAX_RUNS_PER_TEST);
    assert.strictEqual(h.tests.t[0].at, 5, 'the oldest runs dropped');
    const many = Array.from({ length: MAX_TESTS }, (_, i) => [`x${i}`, 'passed'] as const);
    h = recordRun(h, many, 100);
    h = recordRun(h, [['t', 'failed']], 101);
    assert.strictEqual(Object.keys(h.tests).length, MAX_TESTS);
    assert.ok(h.tests.t && !h.tests.x0, 'the test run again is kept; the one not run for longest is dropped');
  });

  it('reads a stored value back, and anything broken as empty', () => {
    const h = recordRun(emptyHistory(), [['a', 'failed']], 5);
    assert.deepStrictEqual(readHistory(JSON.parse(JSON.stringify(h))), h);
    assert.deepStrictEqual(readHistory(undefined), emptyHistory());
    assert.deepStrictEqual(readHistory({ version: 9, tests: {} }), emptyHistory());
    assert.deepStrictEqual(readHistory({ version: 1, tests: { a: [{ outcome: 'maybe', at: 1 }] } }).tests, {
      a: [],
    });
  });
});

describe('Run Repeatedly', () => {
  const failingOn = (runs: number[]) => async (i: number) => ({ failed: runs.includes(i) });

  it('runs N times, or stops at the first failure when asked', async () => {
    assert.deepStrictEqual(await runRepeatedly({ times: 5, untilFailure: false, runOnce: failingOn([2]) }), {
      runs: 5,
      failedRuns: 1,
      stopped: 'done',
    });
    assert.deepStrictEqual(await runRepeatedly({ times: 5, untilFailure: true, runOnce: failingOn([2]) }), {
      runs: 3,
      failedRuns: 1,
      stopped: 'firstFailure',
    });
  });

  it('stops between runs when cancelled', async () => {
    const source = new CancelSource();
    const r = await runRepeatedly({
      times: 5,
      untilFailure: false,
      token: source.token,
      runOnce: async (i) => {
        if (i === 1) source.cancel();
        return { failed: false };
      },
    });
    assert.deepStrictEqual(r, { runs: 2, failedRuns: 0, stopped: 'cancelled' });
  });

  it('takes a count from 1 to 1000', () => {
    assert.strictEqual(parseTimes(' 10 '), 10);
    for (const bad of ['0', '-1', '2.5', 'ten', '1001', ''])
      assert.match(String(parseTimes(bad)), /whole number/);
  });
});
