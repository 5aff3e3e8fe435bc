import * as assert from 'node:assert';
import { parseSchedstat, threadTimes, waitedForCpu } from '../../../src/core/threadTimes';

describe("the thread's times from Linux's scheduler", () => {
  it('reads schedstat: nanoseconds on a CPU and waiting for one, in ms; anything else is unknown', () => {
    assert.deepStrictEqual(parseSchedstat('3123732 1500000 1\n'), { runningMs: 3.123732, waitingMs: 1.5 });
    assert.strictEqual(parseSchedstat(''), undefined);
    assert.strictEqual(parseSchedstat('abc def 1'), undefined);
    assert.strictEqual(parseSchedstat('12'), undefined);
  });

  it('counts the time this thread runs (on Linux; elsewhere there is nothing to read)', () => {
    const before = threadTimes();
    if (process.platform !== 'linux') {
      assert.strictEqual(before, undefined);
      return;
    }
    assert.ok(before, '/proc/thread-self/schedstat is readable on Linux');
    const until = performance.now() + 40;
    while (performance.now() < until); // 40 ms of wall time on this thread: at least part of it on a CPU
    const after = threadTimes()!;
    assert.ok(after.runningMs - before.runningMs >= 10, `ran ${after.runningMs - before.runningMs} ms`);
    assert.ok(after.waitingMs >= before.waitingMs);
  });

  it('waited: the difference of two readings, 0 when one is missing or the counter went back', () => {
    const at = (waitingMs: number) => ({ runningMs: 0, waitingMs });
    assert.strictEqual(waitedForCpu(at(5), at(12.5)), 7.5);
    assert.strictEqual(waitedForCpu(undefined, at(12)), 0);
    assert.strictEqual(waitedForCpu(at(5), undefined), 0);
    assert.strictEqual(waitedForCpu(at(9), at(4)), 0);
  });
});
