/**
 * Cuts the bytes of a log stream into lines without decoding them: each line is handed on as a
 * byte range of the chunk it arrived in (the store decodes a line when someone reads it, and
 * invalid UTF-8 then becomes U+FFFD). A line split across chunks is joined first, so a character
 * is never broken. A line longer than `maxLineBytes` keeps its head and says how long it really
 * was; its tail is skipped without being buffered (a 100 MB line costs no memory).
 */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024;

export type ByteLine = (buf: Buffer, start: number, end: number) => void;

export class LineSplitter {
  private carry: Buffer | undefined;
  /** Bytes of the current over-long line (its head already kept), or 0. */
  private skipping = 0;
  private head: Buffer | undefined;

  constructor(
    private readonly onLine: ByteLine,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  write(chunk: Buffer): void {
    let start = 0;
    const n = chunk.length;
    while (start < n) {
      const nl = chunk.indexOf(10, start);
      if (this.skipping) {
        this.skipping += (nl < 0 ? n : nl) - start;
        if (nl < 0) return;
        this.emitTruncated();
        start = nl + 1;
        continue;
      }
      if (nl < 0) {
        this.keep(chunk, start, n);
        return;
      }
      if (this.carry) {
        const whole = Buffer.concat([this.carry, chunk.subarray(start, nl)]);
        this.carry = undefined;
        this.emit(whole, 0, whole.length);
      } else {
        this.emit(chunk, start, nl);
      }
      start = nl + 1;
    }
  }

  /** The stream ended normally: a last line without a newline is still a line. */
  flush(): void {
    if (this.skipping) this.emitTruncated();
    else if (this.carry) {
      const c = this.carry;
      this.carry = undefined;
      this.emit(c, 0, c.length);
    }
  }

  /** The stream broke: drop the incomplete line (a resumed stream sends it again, whole). */
  discardPartial(): void {
    this.carry = undefined;
    this.skipping = 0;
    this.head = undefined;
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const all = this.carry
      ? Buffer.concat([this.carry, chunk.subarray(start, end)])
      : chunk.subarray(start, end);
    if (all.length > this.maxLineBytes) {
      this.carry = undefined;
      this.head = headOf(all, this.maxLineBytes);
      this.skipping = all.length;
      return;
    }
    this.carry = all;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === 13) end--; // CRLF
    if (end - start > this.maxLineBytes) {
      this.head = headOf(buf.subarray(start, end), this.maxLineBytes);
      this.skipping = end - start;
      this.emitTruncated();
      return;
    }
    this.onLine(buf, start, end);
  }

  private emitTruncated(): void {
    const total = this.skipping;
    this.skipping = 0;
    const head = this.head ?? Buffer.alloc(0);
    this.head = undefined;
    const line = Buffer.concat([
      head,
      Buffer.from(` …[line truncated: ${formatBytes(total)}, first ${formatBytes(this.maxLineBytes)} shown]`),
    ]);
    this.onLine(line, 0, line.length);
  }
}

/** The first `max` bytes, cut on a character boundary (never inside a UTF-8 sequence). */
function headOf(buf: Buffer, max: number): Buffer {
  let end = Math.min(max, buf.length);
  while (end > 0 && end < buf.length && (buf[end] & 0xc0) === 0x80) end--;
  return Buffer.from(buf.subarray(0, end));
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
