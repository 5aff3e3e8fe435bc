// The lines the page holds, in columns (one array per field) so a million lines cost a few arrays,
// not a million objects.
import type { WireLines } from '../../src/logs/viewerProtocol';
import type { LogLevel } from '../../src/core/logs/filter';

/** Lines kept in the page; beyond it the oldest go (the store on the host keeps its own bound). */
const MAX_LINES = 1_000_000;

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

/** Appends a batch from the host; returns the index of its first line. */
export function addLines(w: WireLines): number {
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
    lines.level.push(w.level[k]);
    lines.tag.push(w.tag[k]);
    lines.text.push(w.text[k]);
  }
  return start;
}

/** Drops the oldest lines past MAX_LINES (in one splice, not per line); returns how many went. */
export function trimLines(): number {
  const extra = lines.text.length - MAX_LINES;
  if (extra < MAX_LINES / 10) return 0;
  for (const col of columns()) col.splice(0, extra);
  return extra;
}

/** Empties the lines but keeps the known sources ("Clear" keeps the side-by-side panes). */
export function clearLines(): void {
  for (const col of columns()) col.length = 0;
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
