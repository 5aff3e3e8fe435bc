import * as assert from 'node:assert';
import { CancelledError, CancelSource, delay, pause, TimeoutError, waitFor } from '../../../src/core/cancel';
import { Emitter } from '../../../src/core/events';

describe('waitFor', () => {
  it('resolves with the first value that passes `until`, and unsubscribes', async () => {
    const emitter = new Emitter<number>();
    const waiting = waitFor(emitter.event, 10_000, undefined, { until: (n) => n > 1 });
    emitter.fire(1);
    emitter.fire(2);
    assert.strictEqual(await waiting, 2);
    assert.strictEqual(emitter.hasListeners, false);
  });

  it('rejects with a TimeoutError naming the wait when the event never fires, and unsubscribes', async () => {
    const emitter = new Emitter<void>();
    await assert.rejects(waitFor(emitter.event, 1, undefined, { what: 'The plugin' }), (e) => {
      assert.ok(e instanceof TimeoutError);
      assert.match(e.message, /^The plugin did not finish/);
      return true;
    });
    assert.strictEqual(emitter.hasListeners, false);
  });

  it('rejects with a CancelledError when the token is cancelled, before or during the wait', async () => {
    const emitter = new Emitter<void>();
    const source = new CancelSource();
    const waiting = waitFor(emitter.event, undefined, source.token);
    source.cancel();
    await assert.rejects(waiting, CancelledError);
    await assert.rejects(waitFor(emitter.event, undefined, source.token), CancelledError);
    assert.strictEqual(emitter.hasListeners, false);
  });
});

describe('delay and pause', () => {
  it('delay rejects with a CancelledError when cancelled; pause resolves', async () => {
    const source = new CancelSource();
    const delayed = delay(60_000, source.token);
    const paused = pause(60_000, source.token);
    source.cancel();
    await assert.rejects(delayed, CancelledError);
    await paused;
  });
});
