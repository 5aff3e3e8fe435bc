import { compileFilter, guessLevel, type LineFilter, type LogLevel } from './filter';

export { guessLevel, type LogLevel, type LineFilter } from './filter';

/** One line of a log source (Django, a pod), with the time it was seen. */
export interface LogLine {
  /** Milliseconds since the epoch: the source's own timestamp when it has one, else the time it arrived. */
  time: number;
  source: string;
  text: string;
  level: LogLevel;
  /** A pod line's pod name when a source merges several pods. */
  tag?: string;
  /** Monotonic id across the store, so a viewer can ask for "everything after N". */
  seq: number;
}

const LEVELS: readonly LogLevel[] = ['unknown', 'error', 'warn', 'info', 'debug', 'unknown'];
const LEVEL_CODE: Record<LogLevel, number> = { unknown: 5, error: 1, warn: 2, info: 3, debug: 4 };
/** Level not guessed yet: guessing costs a regex scan, so it waits until someone reads the line. */
const UNGUESSED = 0;

/**
 * Fixed-size ring of lines for one source, the oldest dropped first. Columns instead of one object
 * per line: a flood of pod lines costs a string and a few numbers each, and objects are only made
 * for the lines someone reads. Seqs rise along the ring.
 */
class Ring {
  /** A line's text, or undefined while it is still bytes in `bufs` (decoded on first read). */
  private texts: (string | undefined)[] = [];
  private bufs: (Buffer | undefined)[] = [];
  private tags: (string | undefined)[] = [];
  private starts: Int32Array;
  private ends: Int32Array;
  private times: Float64Array;
  private seqs: Float64Array;
  private levels: Uint8Array;
  private size: number;
  private start = 0;
  length = 0;
  dropped = 0;
  /** Characters (or bytes, for undecoded lines) of text held, for the memory estimate. */
  chars = 0;

  constructor(
    readonly source: string,
    readonly capacity: number,
  ) {
    // Grows on demand: a source with ten lines does not reserve a hundred thousand slots.
    this.size = Math.min(capacity, 1024);
    this.starts = new Int32Array(this.size);
    this.ends = new Int32Array(this.size);
    this.times = new Float64Array(this.size);
    this.seqs = new Float64Array(this.size);
    this.levels = new Uint8Array(this.size);
  }

  private slotFor(): number {
    let slot: number;
    if (this.length < this.capacity) {
      if (this.length === this.size) this.grow();
      slot = (this.start + this.length) % this.size;
      this.length++;
    } else {
      slot = this.start;
      this.chars -= this.ends[slot] - this.starts[slot];
      this.start = (this.start + 1) % this.size;
      this.dropped++;
    }
    return slot;
  }

  push(text: string, time: number, tag: string | undefined, level: number, seq: number): void {
    const slot = this.slotFor();
    this.texts[slot] = text;
    this.bufs[slot] = undefined;
    this.starts[slot] = 0;
    this.ends[slot] = text.length;
    this.tags[slot] = tag;
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.levels[slot] = level;
    this.chars += text.length;
  }

  pushBytes(
    buf: Buffer,
    start: number,
    end: number,
    time: number,
    tag: string | undefined,
    seq: number,
  ): void {
    const slot = this.slotFor();
    this.texts[slot] = undefined;
    this.bufs[slot] = buf;
    this.starts[slot] = start;
    this.ends[slot] = end;
    this.tags[slot] = tag;
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.levels[slot] = UNGUESSED;
    this.chars += end - start;
  }

  timeAt(i: number): number {
    return this.times[(this.start + i) % this.size];
  }

  seqAt(i: number): number {
    return this.seqs[(this.start + i) % this.size];
  }

  textAt(i: number): string {
    const slot = (this.start + i) % this.size;
    const text = this.texts[slot];
    if (text !== undefined) return text;
    // Invalid UTF-8 decodes to U+FFFD here; the chunk is let go once its lines are decoded or dropped.
    const decoded = this.bufs[slot]!.toString('utf8', this.starts[slot], this.ends[slot]);
    this.texts[slot] = decoded;
    this.bufs[slot] = undefined;
    this.chars += decoded.length - (this.ends[slot] - this.starts[slot]);
    this.starts[slot] = 0;
    this.ends[slot] = decoded.length;
    return decoded;
  }

  levelAt(i: number): LogLevel {
    const slot = (this.start + i) % this.size;
    let code = this.levels[slot];
    if (code === UNGUESSED) code = this.levels[slot] = LEVEL_CODE[guessLevel(this.textAt(i))];
    return LEVELS[code];
  }

  at(i: number): LogLine {
    const slot = (this.start + i) % this.size;
    return {
      time: this.times[slot],
      source: this.source,
      text: this.textAt(i),
      level: this.levelAt(i),
      tag: this.tags[slot],
      seq: this.seqs[slot],
    };
  }

  /** Index of the first line with seq > `seq` (binary search). */
  firstAfterSeq(seq: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqAt(mid) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  *[Symbol.iterator](): IterableIterator<LogLine> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  clear(): void {
    this.texts = [];
    this.bufs = [];
    this.tags = [];
    this.start = 0;
    this.length = 0;
    this.chars = 0;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.size * 2);
    const texts: (string | undefined)[] = new Array(size);
    const bufs: (Buffer | undefined)[] = new Array(size);
    const tags: (string | undefined)[] = new Array(size);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const times = new Float64Array(size);
    const seqs = new Float64Array(size);
    const levels = new Uint8Array(size);
    for (let i = 0; i < this.length; i++) {
      const slot = (this.start + i) % this.size;
      texts[i] = this.texts[slot];
      bufs[i] = this.bufs[slot];
      tags[i] = this.tags[slot];
      starts[i] = this.starts[slot];
      ends[i] = this.ends[slot];
      times[i] = this.times[slot];
      seqs[i] = this.seqs[slot];
      levels[i] = this.levels[slot];
    }
    this.texts = texts;
    this.bufs = bufs;
    this.tags = tags;
    this.starts = starts;
    this.ends = ends;
    this.times = times;
    this.seqs = seqs;
    this.levels = levels;
    this.size = size;
    this.start = 0;
  }
}

export interface LogQuery extends LineFilter {
  sources?: readonly string[];
  /** Inclusive time window in ms since the epoch. */
  from?: number;
  to?: number;
  afterSeq?: number;
  /** At most this many lines: the newest. */
  limit?: number;
}

export type LogListener = (lines: readonly LogLine[]) => void;

/** Bytes a stored line costs besides its text: the LogLine object, its slot, the string header (V8, 64-bit). */
export const LINE_OVERHEAD_BYTES = 160;

/**
 * Every log line the extension sees, per source, bounded by a ring buffer per source.
 * Listeners get lines in batches (at most one batch per `batchMs`), never one call per line.
 */
export class LogStore {
  private readonly rings = new Map<string, Ring>();
  private readonly listeners = new Set<LogListener>();
  /** Sources with lines not yet handed to listeners; the lines themselves are read from the rings at flush. */
  private readonly touched = new Set<Ring>();
  private flushedSeq = 0;
  private lastRing: Ring | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(
    private capacityPerSource = 100_000,
    private readonly batchMs = 50,
  ) {}

  get capacity(): number {
    return this.capacityPerSource;
  }

  setCapacity(capacity: number): void {
    if (capacity === this.capacityPerSource) return;
    this.capacityPerSource = capacity;
    this.lastRing = undefined;
    for (const [source, ring] of this.rings) {
      const next = new Ring(source, capacity);
      for (const line of ring) next.push(line.text, line.time, line.tag, LEVEL_CODE[line.level], line.seq);
      this.rings.set(source, next);
    }
  }

  /** Adds a line; returns its seq. Without a level, one is guessed from the text when the line is first read. */
  append(source: string, text: string, time = Date.now(), tag?: string, level?: LogLevel): number {
    const seq = ++this.seq;
    this.ringFor(source).push(text, time, tag, level ? LEVEL_CODE[level] : UNGUESSED, seq);
    this.afterAppend(source, seq);
    return seq;
  }

  /**
   * Adds a line given as bytes (a pod line, straight from the socket): kept undecoded until someone
   * reads it, so a flood costs no string per line. Returns its seq.
   */
  appendBytes(
    source: string,
    buf: Buffer,
    start: number,
    end: number,
    time = Date.now(),
    tag?: string,
  ): number {
    const seq = ++this.seq;
    this.ringFor(source).pushBytes(buf, start, end, time, tag, seq);
    this.afterAppend(source, seq);
    return seq;
  }

  private ringFor(source: string): Ring {
    // A burst of lines comes from one source: skip the map lookup for it.
    if (this.lastRing?.source === source) return this.lastRing;
    let ring = this.rings.get(source);
    if (!ring) {
      ring = new Ring(source, this.capacityPerSource);
      this.rings.set(source, ring);
    }
    this.lastRing = ring;
    return ring;
  }

  private afterAppend(source: string, seq: number): void {
    if (this.listeners.size) {
      this.touched.add(this.ringFor(source));
      this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    } else {
      this.flushedSeq = seq;
    }
  }

  /** Lines of the given sources (all when absent) in the window that pass the filter, in time order. A bad regex matches nothing. */
  query(q: LogQuery = {}): LogLine[] {
    const filter = compileFilter(q);
    if (!filter.ok) return [];
    const out: LogLine[] = [];
    for (const [source, ring] of this.rings) {
      if (q.sources && !q.sources.includes(source)) continue;
      for (let i = q.afterSeq !== undefined ? ring.firstAfterSeq(q.afterSeq) : 0; i < ring.length; i++) {
        const time = ring.timeAt(i);
        if (q.from !== undefined && time < q.from) continue;
        if (q.to !== undefined && time > q.to) continue;
        if (!filter.trivial && !filter.matches(ring.textAt(i), ring.levelAt(i))) continue;
        out.push(ring.at(i));
      }
    }
    out.sort((a, b) => a.time - b.time || a.seq - b.seq);
    return q.limit !== undefined && out.length > q.limit ? out.slice(out.length - q.limit) : out;
  }

  /** The last `n` lines of one source. */
  tail(source: string, n: number): LogLine[] {
    const ring = this.rings.get(source);
    if (!ring) return [];
    const out: LogLine[] = [];
    for (let i = Math.max(0, ring.length - n); i < ring.length; i++) out.push(ring.at(i));
    return out;
  }

  sources(): string[] {
    return [...this.rings.keys()];
  }

  size(source: string): number {
    return this.rings.get(source)?.length ?? 0;
  }

  /** The newest seq handed out (0 before the first line). */
  lastSeq(): number {
    return this.seq;
  }

  /** Lines dropped from a source's ring so far (oldest first). */
  dropped(source: string): number {
    return this.rings.get(source)?.dropped ?? 0;
  }

  /** Estimated bytes held: per line overhead plus two bytes per character at most. */
  estimatedBytes(): number {
    let n = 0;
    for (const ring of this.rings.values()) n += ring.length * LINE_OVERHEAD_BYTES + ring.chars * 2;
    return n;
  }

  clear(source?: string): void {
    if (source) this.rings.get(source)?.clear();
    else for (const ring of this.rings.values()) ring.clear();
  }

  onLines(listener: LogListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Hands the lines added since the last flush to the listeners, in seq order (lines the rings already dropped are skipped). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.touched.size) return;
    const batch: LogLine[] = [];
    for (const ring of this.touched) {
      for (let i = ring.firstAfterSeq(this.flushedSeq); i < ring.length; i++) batch.push(ring.at(i));
    }
    this.touched.clear();
    this.flushedSeq = this.seq;
    if (batch.length > 1) batch.sort((a, b) => a.seq - b.seq);
    for (const l of this.listeners) l(batch);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }
}

/** Source name of the managed Django server in the store. */
export const DJANGO_SOURCE = 'django';
