/**
 * Turns the bytes of a log stream into lines. Lines are decoded whole, so a character split
 * across two chunks is never broken; invalid UTF-8 becomes U+FFFD instead of throwing.
 * A line longer than `maxLineBytes` keeps its head and says how long it really was, and its
 * tail is skipped without being buffered (a 100 MB line costs no memory).
 */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024;

export class LineSplitter {
  private carry: Buffer | undefined;
  /** Bytes of the current over-long line (its head already kept), or 0. */
  private skipping = 0;
  private head = '';

  constructor(
    private readonly onLine: (text: string) => void,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  write(chunk: Buffer): void {
    let start = 0;
    const n = chunk.length;
    while (start < n) {
      const nl = chunk.indexOf(10, start);
      if (this.skipping) {
        if (nl < 0) {
          this.skipping += n - start;
          return;
        }
        this.skipping += nl - start;
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
        this.emitBytes(whole, 0, whole.length);
      } else {
        this.emitBytes(chunk, start, nl);
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
      this.emitBytes(c, 0, c.length);
    }
  }

  /** The stream broke: drop the incomplete line (a resumed stream sends it again, whole). */
  discardPartial(): void {
    this.carry = undefined;
    this.skipping = 0;
    this.head = '';
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const carried = this.carry ? this.carry.length : 0;
    if (carried + end - start > this.maxLineBytes) {
      const all = this.carry ? Buffer.concat([this.carry, chunk.subarray(start, end)]) : chunk.subarray(start, end);
      this.carry = undefined;
      this.head = decodeHead(all, this.maxLineBytes);
      this.skipping = all.length;
      return;
    }
    // Copy: the chunk's memory may be reused by the stream.
    this.carry = this.carry ? Buffer.concat([this.carry, chunk.subarray(start, end)]) : Buffer.from(chunk.subarray(start, end));
  }

  private emitBytes(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === 13) end--; // CRLF
    if (end - start > this.maxLineBytes) {
      this.head = decodeHead(buf.subarray(start, end), this.maxLineBytes);
      this.skipping = end - start;
      this.emitTruncated();
      return;
    }
    this.onLine(buf.toString('utf8', start, end));
  }

  private emitTruncated(): void {
    const total = this.skipping;
    this.skipping = 0;
    const head = this.head;
    this.head = '';
    this.onLine(`${head} …[line truncated: ${formatBytes(total)}, first ${formatBytes(this.maxLineBytes)} shown]`);
  }
}

/** The first `max` bytes as text, cut on a character boundary. */
function decodeHead(buf: Buffer, max: number): string {
  let end = Math.min(max, buf.length);
  // Step back over continuation bytes (10xxxxxx) so the cut does not split a character.
  while (end > 0 && end < buf.length && (buf[end] & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
