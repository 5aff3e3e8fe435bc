import { StringDecoder } from 'node:string_decoder';

/**
 * The one place where a stream of bytes becomes lines: Django's and pytest's output, the plugin's
 * results channel, debugpy, pod logs. Every line is bounded: past `maxLineBytes` it is cut (on a
 * character boundary) with a visible marker, and the rest of it is skipped without being buffered,
 * so a 50 MB line costs one scan and at most `maxLineBytes` of memory.
 */

/** Shown lines (terminal, test output, log viewer): the default of codespaceTests.output.maxLineBytes. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Below this a cut line would hide too much to be useful (and the marker would dominate it). */
const MIN_MAX_LINE_BYTES = 256;

let displayCap = DEFAULT_MAX_LINE_BYTES;

/** The cap for shown output, which every stream uses unless told otherwise (codespaceTests.output.maxLineBytes). */
export function displayMaxLineBytes(): number {
  return displayCap;
}

/** Sets the cap from the setting; a missing or unusable value means the default. Applies to streams started afterwards. */
export function setDisplayMaxLineBytes(value: unknown): void {
  displayCap =
    typeof value === 'number' && Number.isFinite(value)
      ? Math.max(MIN_MAX_LINE_BYTES, Math.floor(value))
      : DEFAULT_MAX_LINE_BYTES;
}

/** What replaces the part of a line past the cap. */
export function cutMarker(maxLineBytes: number): string {
  return ` … [line cut at ${maxLineBytes} bytes]`;
}

/** One line as a byte range of `buf` (no newline, no trailing CR); `cut` when it was cut at the cap. */
export type ByteLine = (buf: Buffer, start: number, end: number, cut: boolean) => void;

const NL = 10;
const CR = 13;

/**
 * Cuts a byte stream into lines. A line inside one chunk is handed on as a range of that chunk (no copy);
 * a line split across chunks is kept as its parts and joined once, so time stays linear.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pending = 0;
  /** The current line was cut: its bytes up to the next newline are skipped. */
  private skipping = false;
  private readonly marker: Buffer;

  constructor(
    private readonly onLine: ByteLine,
    readonly maxLineBytes = displayMaxLineBytes(),
  ) {
    this.marker = Buffer.from(cutMarker(maxLineBytes));
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    let start = 0;
    while (start < n) {
      const nl = chunk.indexOf(NL, start);
      const end = nl < 0 ? n : nl;
      if (!this.skipping) this.take(chunk, start, end, nl >= 0);
      if (nl < 0) return;
      this.skipping = false;
      start = nl + 1;
    }
  }

  /** The stream ended normally: a last line without a newline is still a line. */
  flush(): void {
    if (!this.skipping && this.pending > 0) this.emitParts(false);
    this.discardPartial();
  }

  /** The stream broke: drop the incomplete line (a resumed stream sends it again, whole). */
  discardPartial(): void {
    this.parts = [];
    this.pending = 0;
    this.skipping = false;
  }

  private take(chunk: Buffer, start: number, end: number, complete: boolean): void {
    const room = this.maxLineBytes - this.pending;
    if (end - start > room) {
      const at = charBoundary(chunk, start, start + room);
      this.parts.push(chunk.subarray(start, at), this.marker);
      this.pending += at - start;
      this.emitParts(true);
      this.skipping = true;
      return;
    }
    if (!complete) {
      // Kept as a view of the chunk (streams hand each chunk over for good), joined once at the newline.
      if (end > start) this.parts.push(chunk.subarray(start, end));
      this.pending += end - start;
      return;
    }
    if (this.pending === 0) {
      this.onLine(chunk, start, withoutCr(chunk, start, end), false);
      return;
    }
    this.parts.push(chunk.subarray(start, end));
    this.emitParts(false);
  }

  private emitParts(cut: boolean): void {
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.pending = 0;
    this.onLine(line, 0, cut ? line.length : withoutCr(line, 0, line.length), cut);
  }
}

/**
 * Passes output through as it arrives (partial lines too: pytest's progress dots), with every line past
 * `maxLineBytes` cut and marked: for terminals, test-run output and the CLI, where colors and timing matter.
 */
export class LineCutter {
  private lineBytes = 0;
  private skipping = false;
  private readonly marker: Buffer;

  constructor(readonly maxLineBytes = displayMaxLineBytes()) {
    this.marker = Buffer.from(cutMarker(maxLineBytes));
  }

  /** The chunk with its over-long lines cut: the same Buffer when nothing was cut. */
  cut(chunk: Buffer): Buffer {
    const n = chunk.length;
    let out: Buffer[] | undefined;
    let from = 0;
    const drop = (a: number, b: number, marker: boolean) => {
      out ??= [];
      if (a > from) out.push(chunk.subarray(from, a));
      if (marker) out.push(this.marker);
      from = b;
    };
    let start = 0;
    while (start < n) {
      const nl = chunk.indexOf(NL, start);
      const end = nl < 0 ? n : nl;
      if (this.skipping) drop(start, end, false);
      else if (end - start > this.maxLineBytes - this.lineBytes) {
        drop(charBoundary(chunk, start, start + this.maxLineBytes - this.lineBytes), end, true);
        this.skipping = true;
      } else this.lineBytes += end - start;
      if (nl < 0) break;
      this.lineBytes = 0;
      this.skipping = false;
      start = nl + 1;
    }
    if (!out) return chunk;
    if (from < n) out.push(chunk.subarray(from));
    return Buffer.concat(out);
  }
}

/** A LineSplitter that hands on decoded text (invalid UTF-8 becomes U+FFFD). */
export function textLineSplitter(
  onLine: (line: string, cut: boolean) => void,
  maxLineBytes = displayMaxLineBytes(),
): LineSplitter {
  return new LineSplitter(
    (buf, start, end, cut) => onLine(buf.toString('utf8', start, end), cut),
    maxLineBytes,
  );
}

/** A LineCutter for text chunks: bounded chunks out, characters never broken across them. */
export function textCutter(
  onText: (text: string) => void,
  maxLineBytes = displayMaxLineBytes(),
): { write(chunk: Buffer | string): void; end(): void } {
  const cutter = new LineCutter(maxLineBytes);
  const decoder = new StringDecoder('utf8');
  return {
    write: (chunk) => {
      const text = decoder.write(cutter.cut(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
      if (text) onText(text);
    },
    end: () => {
      const text = decoder.end();
      if (text) onText(text);
    },
  };
}

function withoutCr(buf: Buffer, start: number, end: number): number {
  return end > start && buf[end - 1] === CR ? end - 1 : end;
}

/** Where to cut near `at` without breaking a UTF-8 character: back to its first byte, or past it when it began earlier. */
function charBoundary(buf: Buffer, start: number, at: number): number {
  let i = at;
  while (i > start && (buf[i] & 0xc0) === 0x80) i--;
  if (i > start || (buf[i] & 0xc0) !== 0x80) return i;
  // The character began in an earlier chunk: finish it (at most 3 more bytes) rather than halve it.
  i = at;
  while (i < buf.length && i < at + 3 && (buf[i] & 0xc0) === 0x80) i++;
  return i;
}
