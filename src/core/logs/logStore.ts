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

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'unknown';

/** Fixed-size ring of lines for one source: the oldest are dropped first. */
class Ring {
  private readonly items: (LogLine | undefined)[];
  private start = 0;
  length = 0;
  dropped = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }

  push(line: LogLine): void {
    if (this.length < this.capacity) {
      this.items[(this.start + this.length) % this.capacity] = line;
      this.length++;
    } else {
      this.items[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
      this.dropped++;
    }
  }

  at(i: number): LogLine {
    return this.items[(this.start + i) % this.capacity]!;
  }

  *[Symbol.iterator](): IterableIterator<LogLine> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.length = 0;
  }
}

export interface LogQuery {
  sources?: readonly string[];
  /** Inclusive time window in ms since the epoch. */
  from?: number;
  to?: number;
  afterSeq?: number;
  limit?: number;
}

export type LogListener = (lines: readonly LogLine[]) => void;

const LEVEL_PATTERNS: [RegExp, LogLevel][] = [
  [/\b(ERROR|CRITICAL|FATAL|Traceback|Exception)\b/, 'error'],
  [/\b(WARN|WARNING)\b/, 'warn'],
  [/\bINFO\b/, 'info'],
  [/\b(DEBUG|TRACE)\b/, 'debug'],
];

/** A guess at a line's level from the usual markers; `unknown` when none is there. */
export function guessLevel(text: string): LogLevel {
  const head = text.length > 300 ? text.slice(0, 300) : text;
  for (const [re, level] of LEVEL_PATTERNS) if (re.test(head)) return level;
  return 'unknown';
}

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

  setCapacity(capacity: number): void {
    if (capacity === this.capacityPerSource) return;
    this.capacityPerSource = capacity;
    for (const [source, ring] of this.rings) {
      const next = new Ring(capacity);
      for (const line of ring) next.push(line);
      this.rings.set(source, next);
    }
  }

  append(
    source: string,
    text: string,
    time = Date.now(),
    tag?: string,
    level: LogLevel = guessLevel(text),
  ): LogLine {
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

  /** Lines of the given sources (all when absent) in the window, in time order. */
  query(q: LogQuery = {}): LogLine[] {
    const out: LogLine[] = [];
    for (const [source, ring] of this.rings) {
      if (q.sources && !q.sources.includes(source)) continue;
      for (const line of ring) {
        if (q.from !== undefined && line.time < q.from) continue;
        if (q.to !== undefined && line.time > q.to) continue;
        if (q.afterSeq !== undefined && line.seq <= q.afterSeq) continue;
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
