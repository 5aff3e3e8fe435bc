import * as assert from 'node:assert';
import { portRefusalMessage, saysPortInUse } from '../../../src/core/django/portRefusal';

describe('Session mode: a session that refused its own port', () => {
  it('reads the usual ways a conftest or Python says the port is taken, for this port only', () => {
    const said = [
      'Failed: Port 8000 is already in use: stop the local Django first.',
      'Failed: Port 8000 is already in use: is a local Django already running? Stop it, set INTEGRATION_DJANGO_PORT',
      'E   OSError: [Errno 98] Address already in use',
      'Error: That port is already in use.\nrunserver on 127.0.0.1:8000',
      'socket.error: EADDRINUSE',
    ];
    assert.deepStrictEqual(
      said.map((t) => saysPortInUse(t, 8000)),
      [true, true, true, false, true],
    );
    assert.strictEqual(saysPortInUse('Failed: Port 9000 is already in use', 8000), false);
    assert.strictEqual(saysPortInUse('AssertionError: assert 500 == 201\nport 8000 answered', 8000), false);
    assert.strictEqual(saysPortInUse('', 8000), false);
  });

  it('names the cause (TIME_WAIT) and the one-line fix, and offers the retry', () => {
    const m = portRefusalMessage(8000, 2, 0);
    assert.match(m, /refused port 8000, although no process listens on it/);
    assert.match(m, /2 closed connection\(s\) on port 8000 were in TIME_WAIT/);
    assert.match(m, /Retry When the Port Is Free/);
    assert.match(m, /SO_REUSEADDR, 1\) before sock\.bind/);
    assert.match(portRefusalMessage(8000, 0, 0), /Nothing listens on port 8000 now/);
  });
});
