import { firstIndex } from '../firstIndex';
import { guessLevel, type LogLevel } from './filter';

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
export class SourceRing {
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

  /** Adds a line; without a level, one is guessed from the text when the line is first read. */
  push(text: string, time: number, tag: string | undefined, level: LogLevel | undefined, seq: number): void {
    const slot = this.slotFor();
    this.texts[slot] = text;
    this.bufs[slot] = undefined;
    this.starts[slot] = 0;
    this.ends[slot] = text.length;
    this.tags[slot] = tag;
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.levels[slot] = level ? LEVEL_CODE[level] : UNGUESSED;
    this.chars += text.length;
  }

  /** Adds a line as bytes, decoded on first read (its level guessed then too). */
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
    return firstIndex(this.length, (i) => this.seqAt(i) <= seq);
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
