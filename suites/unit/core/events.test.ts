import * as assert from 'node:assert';
import { Emitter } from '../../../src/core/events';

describe('Emitter', () => {
  it('calls each listener in the order it subscribed, until it is disposed', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const a = emitter.event((n) => seen.push(`a${n}`));
    emitter.event((n) => seen.push(`b${n}`));
    emitter.fire(1);
    a.dispose();
    emitter.fire(2);
    assert.deepStrictEqual(seen, ['a1', 'b1', 'b2']);
  });

  it('keeps two subscriptions of the same function apart', () => {
    const emitter = new Emitter<void>();
    let calls = 0;
    const listener = () => void calls++;
    const first = emitter.event(listener);
    emitter.event(listener);
    first.dispose();
    emitter.fire();
    assert.strictEqual(calls, 1);
  });

  it('lets a listener dispose another during a fire, which then is not called', () => {
    const emitter = new Emitter<void>();
    const seen: string[] = [];
    emitter.event(() => {
      seen.push('first');
      second.dispose();
    });
    const second = emitter.event(() => seen.push('second'));
    emitter.fire();
    assert.deepStrictEqual(seen, ['first']);
  });

  it('says whether anyone listens, and forgets every listener on dispose', () => {
    const emitter = new Emitter<void>();
    assert.strictEqual(emitter.hasListeners, false);
    let calls = 0;
    emitter.event(() => void calls++);
    assert.strictEqual(emitter.hasListeners, true);
    emitter.dispose();
    emitter.fire();
    assert.strictEqual(emitter.hasListeners, false);
    assert.strictEqual(calls, 0);
  });

  it('throws a failing listener’s error without a handler, and reports it and goes on with one', () => {
    const bare = new Emitter<void>();
    bare.event(() => {
      throw new Error('boom');
    });
    assert.throws(() => bare.fire(), /boom/);

    const errors: string[] = [];
    const guarded = new Emitter<void>((e) => errors.push((e as Error).message));
    let after = 0;
    guarded.event(() => {
      throw new Error('boom');
    });
    guarded.event(() => void after++);
    guarded.fire();
    assert.deepStrictEqual(errors, ['boom']);
    assert.strictEqual(after, 1);
  });
});
