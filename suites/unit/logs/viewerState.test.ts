import * as assert from 'node:assert';
import { defaultState, newerState, validState } from '../../../src/logs/viewerState';

describe('log viewer state after a reload', () => {
  const typed = { ...defaultState(), filter: { ...defaultState().filter, text: 'picked up job' } };

  it("keeps the extension's own copy when VS Code's copy is older (the typed filter comes back)", () => {
    const vscodeCopy = validState({ ...defaultState(), savedAt: 1_000 });
    const ownCopy = validState({ ...typed, savedAt: 2_000 });
    assert.strictEqual(newerState(vscodeCopy, ownCopy).filter.text, 'picked up job');
  });

  it("keeps VS Code's copy when it is the newer, or when both are as new", () => {
    const vscodeCopy = validState({ ...typed, savedAt: 3_000 });
    assert.strictEqual(newerState(vscodeCopy, validState({ ...defaultState(), savedAt: 2_000 })), vscodeCopy);
    assert.strictEqual(newerState(vscodeCopy, validState({ ...defaultState(), savedAt: 3_000 })), vscodeCopy);
  });

  it('a copy without a time (an older page, nothing stored) never wins over one with a time', () => {
    const ownCopy = validState({ ...typed, savedAt: 5 });
    assert.strictEqual(newerState(validState(undefined), ownCopy), ownCopy);
    assert.strictEqual(newerState(ownCopy, validState(undefined)), ownCopy);
  });

  it('a malformed copy falls back field by field, and a bad time is no time', () => {
    const s = validState({
      filter: 'x',
      layout: 'sideBySide',
      follows: [{ kind: 'pod' }],
      savedAt: Number.NaN,
    });
    assert.deepStrictEqual(s, { ...defaultState(), layout: 'sideBySide', savedAt: undefined });
  });
});
