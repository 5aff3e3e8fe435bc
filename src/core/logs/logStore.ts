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

/** Fixed-size ring of lines for one source: the oldest are dropped first. Seqs rise along the ring. */
class Ring {
  private items: (LogLine | undefined)[];
  private start = 0;
  length = 0;
  dropped = 0;
  /** Characters of text held, for the memory estimate. */
  chars = 0;

  constructor(readonly capacity: number) {
    // Grows on demand: a source with ten lines does not reserve a hundred thousand slots.
    this.items = new Array(Math.min(capacity, 1024));
  }

  push(line: LogLine): void {
    if (this.length < this.capacity) {
      if (this.length === this.items.length) this.grow();
      this.items[(this.start + this.length) % this.items.length] = line;
      this.length++;
    } else {
      const old = this.items[this.start]!;
      this.chars -= old.text.length;
      this.items[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
      this.dropped++;
    }
    this.chars += line.text.length;
  }

  at(i: number): LogLine {
    return this.items[(this.start + i) % this.items.length]!;
  }

  /** Index of the first line with seq > `seq` (binary search). */
  firstAfterSeq(seq: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  *[Symbol.iterator](): IterableIterator<LogLine> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  clear(): void {
    this.items = new Array(Math.min(this.capacity, 1024));
    this.start = 0;
    this.length = 0;
    this.chars = 0;
  }

  private grow(): void {
    const next = new Array(Math.min(this.capacity, this.items.length * 2));
    for (let i = 0; i < this.length; i++) next[i] = this.at(i);
    this.items = next;
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
  private pending: LogLine[] = [];
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
    for (const [source, ring] of this.rings) {
      const next = new Ring(capacity);
      for (const line of ring) next.push(line);
      this.rings.set(source, next);
    }
  }

  append(source: string, text: string, time = Date.now(), tag?: string, level: LogLevel = guessLevel(text)): LogLine {
    let ring = this.rings.get(source);
    if (!ring) {
      ring = new Ring(this.capacityPerSource);
      this.rings.set(source, ring);
    }
    const line: LogLine = { time, source, text, level, tag, seq: ++this.seq };
    ring.push(line);
    if (this.listeners.size) {
      this.pending.push(line);
      this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    }
    return line;
  }

  /** Lines of the given sources (all when absent) in the window that pass the filter, in time order. A bad regex matches nothing. */
  query(q: LogQuery = {}): LogLine[] {
    const filter = compileFilter(q);
    if (!filter.ok) return [];
    const out: LogLine[] = [];
    for (const [source, ring] of this.rings) {
      if (q.sources && !q.sources.includes(source)) continue;
      for (let i = q.afterSeq !== undefined ? ring.firstAfterSeq(q.afterSeq) : 0; i < ring.length; i++) {
        const line = ring.at(i);
        if (q.from !== undefined && line.time < q.from) continue;
        if (q.to !== undefined && line.time > q.to) continue;
        if (!filter.trivial && !filter.matches(line.text, line.level)) continue;
        out.push(line);
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

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    for (const l of this.listeners) l(batch);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }
}

/** Source name of the managed Django server in the store. */
export const DJANGO_SOURCE = 'django';
