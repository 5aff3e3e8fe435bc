import * as assert from 'node:assert';
import { parseSchedstat, threadTimes, waitedForCpu } from '../../../src/core/threadTimes';

describe("the thread's times from Linux's scheduler", () => {
  it('reads schedstat: nanoseconds on a CPU and waiting for one, in ms; anything else is unknown', () => {
    assert.deepStrictEqual(parseSchedstat('3123732 1500000 1\n'), { runningMs: 3.123732, waitingMs: 1.5 });
    assert.strictEqual(parseSchedstat(''), undefined);
    assert.strictEqual(parseSchedstat('abc def 1'), undefined);
    assert.strictEqual(parseSchedstat('12'), undefined);
  });

  it('counts the time this thread runs, in ms, never more than the process ran (on Linux; elsewhere there is nothing to read)', () => {
    const before = threadTimes();
    if (process.platform !== 'linux') {
      assert.strictEqual(before, undefined);
      return;
    }
    assert.ok(before, '/proc/thread-self/schedstat is readable on Linux');
    // Busy until this thread has run 20 ms by its own count, however long a loaded machine makes that take.
    const cpu = process.cpuUsage();
    const giveUp = Date.now() + 30_000;
    let after = threadTimes()!;
    while (after.runningMs - before.runningMs < 20 && Date.now() < giveUp) after = threadTimes()!;
    const used = process.cpuUsage(cpu);
    const ran = after.runningMs - before.runningMs;
    assert.ok(ran >= 20, `ran ${ran} ms in 30 s`);
    // The process's CPU time includes this thread's: in ms too, the two agree (a unit off would be 1000x).
    const processMs = (used.user + used.system) / 1000;
    assert.ok(ran <= processMs + 5, `the thread ran ${ran} ms, the process ${processMs} ms`);
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
