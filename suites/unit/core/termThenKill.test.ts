import * as assert from 'node:assert';
import { termThenKill } from '../../../src/core/process/processTree';

/** The graceful stop's steps, recorded; `ended` settles when the test says the tree is gone. */
function steps() {
  const calls: string[] = [];
  let gone: (v: string) => void = () => {};
  const ended = new Promise<string>((r) => (gone = r));
  return {
    calls,
    gone: (v: string) => gone(v),
    steps: {
      term: async () => void calls.push('term'),
      kill: async () => void calls.push('kill'),
      ended: () => ended,
    },
  };
}

describe('termThenKill: the one graceful stop (TERM, wait, KILL)', () => {
  it('a tree that ends within the grace gets TERM only, and KILL never comes later', async () => {
    const s = steps();
    setTimeout(() => s.gone('exited'), 10);
    assert.strictEqual(await termThenKill(s.steps, 200), 'exited');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(s.calls, ['term']);
  });

  it('a tree that outlives the grace gets KILL, and the result is what ended says', async () => {
    const s = steps();
    const stopped = termThenKill(
      {
        ...s.steps,
        kill: async () => {
          s.calls.push('kill');
          s.gone('killed');
        },
      },
      20,
    );
    assert.strictEqual(await stopped, 'killed');
    assert.deepStrictEqual(s.calls, ['term', 'kill']);
  });

  it('a KILL that fails is swallowed: the stop still resolves when the tree ends', async () => {
    const s = steps();
    const stopped = termThenKill(
      {
        ...s.steps,
        kill: async () => {
          s.calls.push('kill');
          setTimeout(() => s.gone('gone anyway'), 5);
          throw new Error('ESRCH');
        },
      },
      10,
    );
    assert.strictEqual(await stopped, 'gone anyway');
  });
});
