import * as assert from 'node:assert/strict';
import { expectedMs, shardsInput, splitIntoShards } from '../../../src/core/ci/shards';
import { emptyHistory, readHistory, recordRun } from '../../../src/core/pytest/history';

describe('shards: the selected tests spread over CI runners by their durations', () => {
  it('longest first onto the least-loaded shard (LPT): 5,5,4,4,3,3 over 3 shards balance to 8,8,8', () => {
    const tests = [3, 5, 4, 5, 3, 4].map((s, i) => ({ id: `t${i}`, ms: s * 1000 }));
    const split = splitIntoShards(tests, 3);
    assert.equal(split.idealMs, 8_000);
    assert.deepEqual(
      split.shards.map((s) => s.ms),
      [8_000, 8_000, 8_000],
    );
    // Every test once, in its given order within its shard.
    const all = split.shards.flatMap((s) => s.ids);
    assert.deepEqual([...all].sort(), tests.map((t) => t.id).sort());
    for (const s of split.shards)
      assert.deepEqual(
        s.ids,
        [...s.ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
      );
    assert.deepEqual(
      split.shards.map((s) => s.index),
      [1, 2, 3],
    );
  });

  it('tests with no measured time count at the median of the measured ones; with none measured, by count', () => {
    const split = splitIntoShards(
      [
        { id: 'a', ms: 100 },
        { id: 'b', ms: 300 },
        { id: 'c', ms: 500 },
        { id: 'new', ms: undefined },
      ],
      2,
    );
    assert.equal(split.assumedMs, 300);
    assert.equal(split.unknown, 1);
    assert.deepEqual(split.shards.map((s) => s.ms).sort(), [600, 600]);
    const byCount = splitIntoShards(
      Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, ms: undefined })),
      4,
    );
    assert.deepEqual(
      byCount.shards.map((s) => s.ids.length),
      [3, 3, 2, 2],
    );
  });

  it('more shards than tests: one shard per test; one shard: everything; none selected: no shard', () => {
    assert.equal(
      splitIntoShards(
        [
          { id: 'a', ms: 1 },
          { id: 'b', ms: 2 },
        ],
        8,
      ).shards.length,
      2,
    );
    assert.deepEqual(
      splitIntoShards(
        [
          { id: 'a', ms: 1 },
          { id: 'b', ms: 2 },
        ],
        1,
      ).shards[0].ids,
      ['a', 'b'],
    );
    assert.deepEqual(splitIntoShards([], 4).shards, []);
  });

  it('the same tests give the same split (ties broken by id, not by chance)', () => {
    const tests = Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, ms: 1000 }));
    assert.deepEqual(
      splitIntoShards(tests, 6).shards.map((s) => [...s.ids].sort()),
      splitIntoShards([...tests].reverse(), 6).shards.map((s) => [...s.ids].sort()),
    );
  });

  it("a test's expected time is the median of its last measured runs in the history; runs without a time are skipped", () => {
    let h = emptyHistory();
    for (const [at, ms] of [
      [1, 9000],
      [2, 100],
      [3, undefined],
      [4, 200],
      [5, 300],
    ] as const)
      h = recordRun(h, [['x', 'passed', ms]], at);
    // Stored and read back (the workspace's storage), the times stay.
    h = readHistory(JSON.parse(JSON.stringify(h)));
    assert.equal(h.tests.x[2].ms, undefined);
    assert.equal(expectedMs(h.tests.x), 200);
    assert.equal(expectedMs(undefined), undefined);
  });

  it("the matrix's input: one JSON list of {index, tests}", () => {
    const text = shardsInput([
      { index: 1, tests: "a.py::t 'b.py::t[x y]'" },
      { index: 2, tests: 'c.py' },
    ]);
    assert.deepEqual(JSON.parse(text), [
      { index: 1, tests: "a.py::t 'b.py::t[x y]'" },
      { index: 2, tests: 'c.py' },
    ]);
  });
});
