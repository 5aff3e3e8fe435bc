import * as assert from 'node:assert';
import { parseEvent, protocolMismatch, PROTOCOL_VERSION } from '../../../src/core/pytest/protocol';

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
