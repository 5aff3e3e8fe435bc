import * as assert from 'node:assert';
import {
  addLines,
  droppedBefore,
  lines,
  movedTo,
  resetLines,
  trimLines,
} from '../../../media/logViewer/lines';
import type { WireLines } from '../../../src/logs/viewerProtocol';

/** A batch of lines named `<source><n>`, from the sources in the order given. */
function batch(order: string[]): WireLines {
  const sources = [...new Set(order)];
  return {
    seq: order.map((_, k) => k),
    time: order.map((_, k) => k),
    src: order.map((s) => sources.indexOf(s)),
    sources,
    level: order.map(() => 'info' as const),
    tag: order.map(() => null),
    text: order.map((s, k) => `${s}${k}`),
  };
}

describe("the log viewer page's lines: each source bounded as the store is", () => {
  beforeEach(() => resetLines());

  it('one source over its bound: the oldest lines go as a prefix, every later index moves up by as many', () => {
    addLines(batch(['a', 'a', 'a', 'a', 'a']), 3);
    const moved = trimLines();
    assert.deepStrictEqual(moved, { kind: 'prefix', dropped: 2 });
    assert.deepStrictEqual(lines.text, ['a2', 'a3', 'a4']);
    assert.deepStrictEqual(
      [0, 1, 2, 3, 4].map((i) => movedTo(moved, i)),
      [-1, -1, 0, 1, 2],
    );
    assert.strictEqual(droppedBefore(moved, 1), 1);
    assert.strictEqual(trimLines(), undefined, 'nothing more to drop');
  });

  it('interleaved sources: only the source over its bound loses lines, the others keep theirs and their order', () => {
    addLines(batch(['b', 'a', 'a', 'b', 'a', 'a']), 2);
    const moved = trimLines();
    assert.ok(moved && moved.kind === 'map', 'the dropped lines are not the oldest of all');
    assert.deepStrictEqual(lines.text, ['b0', 'b3', 'a4', 'a5']);
    assert.deepStrictEqual(
      [0, 1, 2, 3, 4, 5].map((i) => movedTo(moved, i)),
      [0, -1, -1, 1, 2, 3],
    );
    assert.strictEqual(droppedBefore(moved, 3), 2);
    // The columns stay aligned: each kept line has its own source and time.
    assert.deepStrictEqual(
      lines.src.map((s) => lines.sources[s]),
      ['b', 'b', 'a', 'a'],
    );
    assert.deepStrictEqual(lines.time, [0, 3, 4, 5]);
  });

  it('counts carry over between batches: a second batch trims only what is over the bound then', () => {
    addLines(batch(['a', 'a']), 3);
    assert.strictEqual(trimLines(), undefined);
    addLines(batch(['a', 'a']), 3);
    assert.deepStrictEqual(trimLines(), { kind: 'prefix', dropped: 1 });
    assert.strictEqual(lines.text.length, 3);
  });
});
