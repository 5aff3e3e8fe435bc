import * as assert from 'node:assert';
import {
  addLines,
  droppedBefore,
  lines,
  movedTo,
  remapPositions,
  resetLines,
  type Moved,
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

  it("a pane's positions after a prefix trim: updated in place, the lines gone from above the view counted", () => {
    const idx = [0, 2, 3, 5, 7]; // a filtered pane: these lines pass its filter
    const r = remapPositions(idx, { kind: 'prefix', dropped: 3 }, 4, [0, 3]);
    assert.strictEqual(r.idx, idx, 'the same array: no copy of 100,000 positions per batch');
    assert.deepStrictEqual(r.idx, [0, 2, 4]);
    assert.strictEqual(r.goneAbove, 2);
    assert.deepStrictEqual([r.newPos(0), r.newPos(3)], [-1, 1]);
    assert.strictEqual(r.newPos(-1), -1, 'no selection stays none');
    assert.strictEqual(remapPositions([4, 6], { kind: 'prefix', dropped: 3 }, 1, []).goneAbove, 0);
  });

  it("a pane's positions after any trim agree with following each line through movedTo", () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 300; round++) {
      const lineCount = 1 + rand(60);
      const idx = [...Array(lineCount).keys()].filter(() => rand(3) > 0);
      const moved: Moved =
        round % 2
          ? { kind: 'prefix', dropped: rand(lineCount + 1) }
          : (() => {
              const to = new Int32Array(lineCount);
              let kept = 0;
              for (let i = 0; i < lineCount; i++) to[i] = rand(3) ? kept++ : -1;
              return { kind: 'map', to };
            })();
      const first = rand(idx.length + 1);
      const keep = [rand(idx.length + 1), rand(idx.length + 1)];
      // What the pane did before, one line at a time.
      const want: number[] = [];
      const at = new Map<number, number>();
      let gone = 0;
      idx.forEach((line, p) => {
        const i = movedTo(moved, line);
        if (i >= 0) {
          at.set(p, want.length);
          want.push(i);
        } else if (p < first) gone++;
      });
      const r = remapPositions([...idx], moved, first, keep);
      const label = `round ${round}: ${JSON.stringify({ idx, moved: moved.kind, first, keep })}`;
      assert.deepStrictEqual(r.idx, want, label);
      assert.strictEqual(r.goneAbove, gone, label);
      assert.deepStrictEqual(
        keep.map((p) => r.newPos(p)),
        keep.map((p) => at.get(p) ?? -1),
        label,
      );
    }
  });
});
