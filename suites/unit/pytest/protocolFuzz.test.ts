import * as assert from 'node:assert';
import { parseEvent } from '../../../src/core/pytest/protocol';

describe('plugin protocol lines', () => {
  const finished = {
    event: 'finished',
    nodeid: 't.py::test_a',
    outcome: 'failed',
    when: 'call',
    start: 1,
    stop: 2,
    duration: 1,
    failure: { message: 'AssertionError', text: 'tb', file: '/ws/t.py', line: 4, expected: '1', actual: '2' },
    stdout: '',
    stderr: '',
    log: '',
  };

  it('accepts the events the plugin sends', () => {
    assert.deepStrictEqual(parseEvent(JSON.stringify(finished)), finished);
    const collected = {
      event: 'collected',
      rootdir: '/ws',
      tests: [{ nodeid: 't.py::test_a', file: '/ws/t.py', line: null, name: 'test_a', parametrized: false }],
    };
    assert.deepStrictEqual(parseEvent(JSON.stringify(collected)), collected);
    assert.deepStrictEqual(parseEvent('{"event":"sessionFinished","exitstatus":0}'), {
      event: 'sessionFinished',
      exitstatus: 0,
    });
  });

  it('drops lines that are not JSON, unknown events and events with missing or mistyped fields', () => {
    for (const line of [
      '',
      'not json',
      '[1]',
      '{"event":"nope"}',
      JSON.stringify({ ...finished, outcome: 'exploded' }),
      JSON.stringify({ ...finished, failure: 'AssertionError' }),
      JSON.stringify({ ...finished, stdout: undefined }),
      '{"event":"collected","rootdir":"/ws","tests":[{"nodeid":1}]}',
      '{"event":"started","nodeid":"x"}',
      '{"event":"hello","version":"1"}',
      '['.repeat(100_000),
    ])
      assert.strictEqual(parseEvent(line), undefined, line.slice(0, 80));
  });
});
