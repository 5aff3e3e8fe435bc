import * as assert from 'node:assert';
import { Backoff } from '../../../src/core/backoff';

describe('Backoff', () => {
  it('doubles from the first wait up to the cap, and starts again after reset', () => {
    const b = new Backoff(500, 3000);
    assert.deepStrictEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [500, 1000, 2000, 3000, 3000]);
    b.reset();
    assert.strictEqual(b.next(), 500);
  });

  it('grows by its own factor, or by the one given for a step', () => {
    const b = new Backoff(1000, 10_000, 1.5);
    assert.deepStrictEqual([b.next(), b.next(), b.next(2)], [1000, 1500, 3000]);
  });

  it('never waits longer than the cap, even the first time', () => {
    assert.strictEqual(new Backoff(5000, 1000).next(), 1000);
  });
});
