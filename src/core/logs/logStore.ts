import { Emitter } from '../events';
import { compileFilter, type LineFilter, type LogLevel } from './filter';
import { SourceRing, type LogLine } from './sourceRing';

export { guessLevel, type LogLevel, type LineFilter } from './filter';
// LogLine lives beside the ring that makes it; callers take it from the store, which hands it out.
export type { LogLine } from './sourceRing';

interface LogQuery extends LineFilter {
  sources?: readonly string[];
  /** Inclusive time window in ms since the epoch. */
  from?: number;
  to?: number;
  afterSeq?: number;
  /** At most this many lines: the newest. */
  limit?: number;
}

type LogListener = (lines: readonly LogLine[]) => void;

/** Bytes a stored line costs besides its text: the LogLine object, its slot, the string header (V8, 64-bit). */
export const LINE_OVERHEAD_BYTES = 160;

/**
 * Every log line the extension sees, per source, bounded by a ring buffer per source.
 * Listeners get lines in batches (at most one batch per `batchMs`), never one call per line.
 */
export class LogStore {
  private readonly rings = new Map<string, SourceRing>();
  private readonly batches = new Emitter<readonly LogLine[]>();
  /** Sources with lines not yet handed to listeners; the lines themselves are read from the rings at flush. */
  private readonly touched = new Set<SourceRing>();
  private flushedSeq = 0;
  private lastRing: SourceRing | undefined;
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
      const next = new SourceRing(source, capacity);
      for (const line of ring) next.push(line.text, line.time, line.tag, line.level, line.seq);
      this.rings.set(source, next);
    }
  }

  /** Adds a line; returns its seq. Without a level, one is guessed from the text when the line is first read. */
  append(source: string, text: string, time = Date.now(), tag?: string, level?: LogLevel): number {
    const seq = ++this.seq;
    this.ringFor(source).push(text, time, tag, level, seq);
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

  private ringFor(source: string): SourceRing {
    // A burst of lines comes from one source: skip the map lookup for it.
    if (this.lastRing?.source === source) return this.lastRing;
    let ring = this.rings.get(source);
    if (!ring) {
      ring = new SourceRing(source, this.capacityPerSource);
      this.rings.set(source, ring);
    }
    this.lastRing = ring;
    return ring;
  }

  private afterAppend(source: string, seq: number): void {
    if (this.batches.hasListeners) {
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
    return this.batches.event(listener);
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
    this.batches.fire(batch);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.batches.dispose();
  }
}

/** Source name of the managed Django server in the store. */
export const DJANGO_SOURCE = 'django';
