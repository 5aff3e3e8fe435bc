import * as assert from 'node:assert';
import { parseEvent, protocolMismatch, PROTOCOL_VERSION } from '../../../src/core/pytest/protocol';
import { FINISHED as finished } from './pluginEvents';

describe('plugin protocol version', () => {
  it('accepts the hello of a plugin that speaks this protocol', () => {
    const hello = parseEvent(
      JSON.stringify({
        event: 'hello',
        version: PROTOCOL_VERSION,
        pid: 1,
        nonce: 'n',
        pytest: '8.3',
        python: '3.11',
        rootdir: '/r',
      }),
    );
    assert.ok(hello && hello.event === 'hello');
    assert.strictEqual(protocolMismatch(hello), undefined);
  });

  it('names both versions and what to do when another copy of the plugin answered', () => {
    const message = protocolMismatch({ version: PROTOCOL_VERSION + 1 });
    assert.match(
      message ?? '',
      new RegExp(`protocol ${PROTOCOL_VERSION + 1}, the extension ${PROTOCOL_VERSION}`),
    );
    assert.match(message ?? '', /Remove it from PYTHONPATH/);
  });
});

describe('plugin protocol lines', () => {
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
