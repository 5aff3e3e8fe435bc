// The lines the page holds, in columns (one array per field) so a million lines cost a few arrays,
// not a million objects.
import type { WireLines } from '../../src/logs/viewerProtocol';
import { firstIndex } from '../../src/core/firstIndex';
import type { LogLevel } from '../../src/core/logs/filter';

/** Lines of each source the page keeps: the store's own bound, which every `lines` message carries. */
let keepPerSource = 100_000;
/** Lines held per source index. */
const counts: number[] = [];

export const lines = {
  seq: [] as number[],
  time: [] as number[],
  src: [] as number[],
  level: [] as LogLevel[],
  tag: [] as (string | null)[],
  text: [] as string[],
  sources: [] as string[],
  sourceIndex: new Map<string, number>(),
};

function columns(): unknown[][] {
  return [lines.seq, lines.time, lines.src, lines.level, lines.tag, lines.text];
}

/** Appends a batch from the host, keeping at most `keep` lines per source; returns the index of its first line. */
export function addLines(w: WireLines, keep: number): number {
  keepPerSource = Math.max(1, keep);
  const start = lines.text.length;
  const map = w.sources.map((s) => {
    let i = lines.sourceIndex.get(s);
    if (i === undefined) {
      i = lines.sources.length;
      lines.sources.push(s);
      lines.sourceIndex.set(s, i);
    }
    return i;
  });
  for (let k = 0; k < w.text.length; k++) {
    lines.seq.push(w.seq[k]);
    lines.time.push(w.time[k]);
    lines.src.push(map[w.src[k]]);
    counts[map[w.src[k]]] = (counts[map[w.src[k]]] ?? 0) + 1;
    lines.level.push(w.level[k]);
    lines.tag.push(w.tag[k]);
    lines.text.push(w.text[k]);
  }
  return start;
}

/**
 * Where the old lines went after a trim: the first `prefix` lines dropped and the rest moved up (the usual
 * case: the oldest lines overall are the ones over their bound), or, when sources interleave, a map from
 * each old index to its new one (-1: dropped).
 */
export type Moved = { kind: 'prefix'; dropped: number } | { kind: 'map'; to: Int32Array };

/** The new index of old line `i` after a trim (-1: dropped). */
export function movedTo(m: Moved, i: number): number {
  return m.kind === 'prefix' ? (i >= m.dropped ? i - m.dropped : -1) : m.to[i];
}

/** A pane's positions after a trim: its line indexes, how many went from above `first`, where a position went. */
export interface Remapped {
  /** The positions' line indexes now: the same array, updated in place, after a prefix trim. */
  idx: number[];
  /** Positions before `first` (the top of the view) whose lines were dropped. */
  goneAbove: number;
  /** Where an old position is now; -1 when its line was dropped or it was none. Only for the positions in `keep`. */
  newPos: (p: number) => number;
}

/**
 * Follows a pane's positions (ascending line indexes) through a trim. The prefix case, a flood's every
 * batch, works in place: a new array of 100,000 positions per batch cost 7-10 ms of the frame (in Node:
 * 9.7 ms median for the old copy through `movedTo`, 0.12 ms in place).
 */
export function remapPositions(
  idx: number[],
  moved: Moved,
  first: number,
  keep: readonly number[],
): Remapped {
  if (moved.kind === 'prefix') {
    const dropped = moved.dropped;
    // The first position whose line stays.
    const lo = firstIndex(idx.length, (i) => idx[i] < dropped);
    const before = idx.length;
    const n = before - lo;
    for (let k = 0; k < n; k++) idx[k] = idx[lo + k] - dropped;
    idx.length = n;
    return { idx, goneAbove: Math.min(lo, first), newPos: (p) => (p >= lo && p < before ? p - lo : -1) };
  }
  const next: number[] = [];
  const at = new Map<number, number>();
  let goneAbove = 0;
  for (let p = 0; p < idx.length; p++) {
    const i = movedTo(moved, idx[p]);
    if (i >= 0) {
      if (keep.includes(p)) at.set(p, next.length);
      next.push(i);
    } else if (p < first) goneAbove++;
  }
  return { idx: next, goneAbove, newPos: (p) => at.get(p) ?? -1 };
}

/** Old lines before `end` that the trim dropped. */
export function droppedBefore(m: Moved, end: number): number {
  if (m.kind === 'prefix') return Math.min(m.dropped, end);
  let n = 0;
  for (let i = 0; i < end; i++) if (m.to[i] < 0) n++;
  return n;
}

/**
 * Drops each source's oldest lines past its bound, as the store's ring did, in one pass per batch (not per
 * line). Returns where the old lines went, or undefined when nothing was dropped. When the lines to drop
 * are the oldest of all (one source flooding), they go in one splice per column, not a copy of every line.
 */
export function trimLines(): Moved | undefined {
  const over = counts.map((c) => Math.max(0, c - keepPerSource));
  const total = over.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const cols = columns();
  const left = [...over];
  let prefix = 0;
  while (prefix < total && left[lines.src[prefix]] > 0) left[lines.src[prefix++]]--;
  if (prefix === total) {
    for (const col of cols) col.splice(0, total);
    over.forEach((k, s) => (counts[s] -= k));
    return { kind: 'prefix', dropped: total };
  }
  const n = lines.text.length;
  const to = new Int32Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const s = lines.src[i];
    if (over[s] > 0) {
      over[s]--;
      counts[s]--;
      to[i] = -1;
      continue;
    }
    if (kept !== i) for (const col of cols) col[kept] = col[i];
    to[i] = kept++;
  }
  for (const col of cols) col.length = kept;
  return { kind: 'map', to };
}

/** Empties the lines but keeps the known sources ("Clear" keeps the side-by-side panes). */
export function clearLines(): void {
  for (const col of columns()) col.length = 0;
  counts.length = 0;
}

/** Empties the lines and forgets the sources (the host starts the page over). */
export function resetLines(): void {
  clearLines();
  lines.sources.length = 0;
  lines.sourceIndex.clear();
}

/** A line's time of day as the page shows it: 14:03:07.042. */
export function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
