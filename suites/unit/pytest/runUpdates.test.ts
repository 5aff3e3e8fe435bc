import * as assert from 'node:assert';
import { BatchedRun, type TestRunSink } from '../../../src/core/pytest/runUpdates';
import { RunResults } from '../../../src/core/pytest/runResults';
import type { FinishedEvent } from '../../../src/core/pytest/protocol';

type Call = [string, ...unknown[]];

/** A TestRun-shaped sink that records what the Test Explorer would receive. */
function recordingRun(): TestRunSink<string, string, string> & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    enqueued: (t) => calls.push(['enqueued', t]),
    started: (t) => calls.push(['started', t]),
    passed: (t, d) => calls.push(['passed', t, d]),
    skipped: (t) => calls.push(['skipped', t]),
    failed: (t, m, d) => calls.push(['failed', t, m, d]),
    errored: (t, m, d) => calls.push(['errored', t, m, d]),
    appendOutput: (o, l, t) => calls.push(['output', o, l, t]),
    end: () => calls.push(['end']),
  };
}

/** A timer the test fires by hand. */
function manualTimer() {
  const pending: (() => void)[] = [];
  return {
    pending,
    schedule: (flush: () => void) => {
      pending.push(flush);
      return () => pending.splice(pending.indexOf(flush), 1);
    },
    fire: () => pending.splice(0).forEach((f) => f()),
  };
}

describe('batched test run updates', () => {
  it('hands nothing over until the interval ends, then everything in order', () => {
    const target = recordingRun();
    const timer = manualTimer();
    const run = new BatchedRun(target, { schedule: timer.schedule });
    run.passed('a', 5);
    run.failed('b', 'boom', 7);
    run.skipped('c');
    assert.deepStrictEqual(target.calls, []);
    assert.strictEqual(timer.pending.length, 1, 'one timer for the whole batch');
    timer.fire();
    assert.deepStrictEqual(target.calls, [
      ['passed', 'a', 5],
      ['failed', 'b', 'boom', 7],
      ['skipped', 'c'],
    ]);
  });

  it('leaves out enqueued and started when a later state of the same test is in the batch', () => {
    const target = recordingRun();
    const timer = manualTimer();
    const run = new BatchedRun(target, { schedule: timer.schedule });
    run.enqueued('a');
    run.enqueued('b');
    run.started('a');
    run.passed('a', 1);
    run.started('b');
    timer.fire();
    assert.deepStrictEqual(target.calls, [
      ['passed', 'a', 1],
      ['started', 'b'],
    ]);
    // The next batch is coalesced on its own: b's result is not lost.
    run.errored('b', 'crashed');
    timer.fire();
    assert.deepStrictEqual(target.calls.at(-1), ['errored', 'b', 'crashed', undefined]);
  });

  it('joins output chunks that follow each other for the same test and location, and keeps their order', () => {
    const target = recordingRun();
    const timer = manualTimer();
    const run = new BatchedRun(target, { schedule: timer.schedule });
    run.appendOutput('..');
    run.appendOutput('..');
    run.appendOutput('own', 'loc', 'a');
    run.appendOutput(' output', 'loc', 'a');
    run.passed('a');
    run.appendOutput('F');
    run.passed('b');
    run.appendOutput('.');
    run.appendOutput('');
    timer.fire();
    assert.deepStrictEqual(target.calls, [
      ['output', '....', undefined, undefined],
      ['output', 'own output', 'loc', 'a'],
      ['passed', 'a', undefined],
      ['output', 'F.', undefined, undefined],
      ['passed', 'b', undefined],
    ]);
  });

  it('is bounded: a full queue or a lot of output is handed over at once, without waiting', () => {
    const target = recordingRun();
    const timer = manualTimer();
    const run = new BatchedRun(target, { schedule: timer.schedule, maxUpdates: 3, maxOutputChars: 10 });
    run.passed('a');
    run.passed('b');
    assert.strictEqual(target.calls.length, 0);
    run.passed('c');
    assert.strictEqual(target.calls.length, 3, 'the third update filled the queue');
    assert.strictEqual(timer.pending.length, 0, 'the timer was cancelled with the early hand-over');
    run.appendOutput('0123456789');
    assert.deepStrictEqual(target.calls.at(-1), ['output', '0123456789', undefined, undefined]);
  });

  it('end() hands over what is queued, then ends the run', () => {
    const target = recordingRun();
    const timer = manualTimer();
    const run = new BatchedRun(target, { schedule: timer.schedule });
    run.started('a');
    run.appendOutput('tail');
    run.end();
    assert.deepStrictEqual(target.calls, [
      ['started', 'a'],
      ['output', 'tail', undefined, undefined],
      ['end'],
    ]);
    assert.strictEqual(timer.pending.length, 0);
  });

  it('carries a run reported by RunResults: 5,000 tests in a few hundred hand-overs, every result kept', async () => {
    const target = recordingRun();
    const timer = manualTimer();
    const run = new BatchedRun(target, { schedule: timer.schedule });
    const ids = Array.from({ length: 5000 }, (_, i) => `test_m.py::test_${i}`);
    const reporter = new RunResults(
      run,
      {
        resolve: (id) => id,
        label: (id) => id,
        locationOf: () => undefined,
        message: (f) => f.text,
        someBelow: () => false,
      },
      undefined,
      new Set(ids),
    );
    ids.forEach((nodeid, i) => {
      reporter.handle({ event: 'started', nodeid, time: i });
      const finished: FinishedEvent = {
        event: 'finished',
        nodeid,
        outcome: i % 100 === 0 ? 'failed' : 'passed',
        when: 'call',
        start: i,
        stop: i + 1,
        duration: 1,
        failure: i % 100 === 0 ? { message: 'AssertionError', file: null, line: null } : undefined,
        stdout: '',
        stderr: '',
        log: '',
      };
      reporter.handle(finished);
      run.appendOutput(i % 100 === 0 ? 'F' : '.');
      if (i % 250 === 249) timer.fire();
    });
    reporter.finish({ cancelled: false });
    await reporter.evidenceRead();
    run.end();
    const states = target.calls.filter((c) => c[0] === 'passed' || c[0] === 'failed');
    assert.strictEqual(states.length, 5000);
    assert.strictEqual(states.filter((c) => c[0] === 'failed').length, 50);
    const output = target.calls.filter((c) => c[0] === 'output').map((c) => c[1]);
    const progress = ids.map((_, i) => (i % 100 === 0 ? 'F' : '.')).join('');
    // The failures' evidence (read once their windows closed) follows the progress characters.
    assert.ok(output.join('').startsWith(progress), 'no progress character lost');
    // At most 60 calls of progress, and one evidence block per failure (each at its own test).
    assert.ok(output.length <= 60 + 50, `progress output in ${output.length} calls, not 5,000`);
    assert.ok(target.calls.length < 5000 + 110 + 50, `${target.calls.length} calls for 15,000 updates`);
    assert.deepStrictEqual(target.calls.at(-1), ['end']);
  });
});
