import { StringDecoder } from 'node:string_decoder';

/**
 * Turns the bytes of a log stream into lines. A streaming UTF-8 decoder sits in front, so a
 * character split across two chunks is never broken and invalid UTF-8 becomes U+FFFD instead of
 * throwing. A line longer than `maxLineChars` keeps its head and says how long it really was;
 * its tail is skipped without being buffered (a 100 MB line costs no memory).
 */
export const DEFAULT_MAX_LINE_CHARS = 16 * 1024;

export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private carry = '';
  /** Characters of the current over-long line (its head already kept), or 0. */
  private skipping = 0;
  private head = '';

  constructor(
    private readonly onLine: (text: string) => void,
    private readonly maxLineChars = DEFAULT_MAX_LINE_CHARS,
  ) {}

  write(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  /** The stream ended normally: a last line without a newline is still a line. */
  flush(): void {
    this.take(this.decoder.end());
    this.decoder = new StringDecoder('utf8');
    if (this.skipping) this.emitTruncated();
    else if (this.carry) {
      const c = this.carry;
      this.carry = '';
      this.emit(c);
    }
  }

  /** The stream broke: drop the incomplete line (a resumed stream sends it again, whole). */
  discardPartial(): void {
    this.decoder = new StringDecoder('utf8');
    this.carry = '';
    this.skipping = 0;
    this.head = '';
  }

  private take(s: string): void {
    let start = 0;
    const n = s.length;
    while (start < n) {
      const nl = s.indexOf('\n', start);
      if (this.skipping) {
        this.skipping += (nl < 0 ? n : nl) - start;
        if (nl < 0) return;
        this.emitTruncated();
        start = nl + 1;
        continue;
      }
      if (nl < 0) {
        this.keep(start === 0 ? s : s.slice(start));
        return;
      }
      if (this.carry) {
        const whole = this.carry + s.slice(start, nl);
        this.carry = '';
        this.emit(whole);
      } else {
        this.emit(s.slice(start, nl));
      }
      start = nl + 1;
    }
  }

  private keep(rest: string): void {
    const all = this.carry ? this.carry + rest : rest;
    if (all.length > this.maxLineChars) {
      this.carry = '';
      this.head = cutHead(all, this.maxLineChars);
      this.skipping = all.length;
      return;
    }
    this.carry = all;
  }

  private emit(line: string): void {
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1); // CRLF
    if (line.length > this.maxLineChars) {
      this.head = cutHead(line, this.maxLineChars);
      this.skipping = line.length;
      this.emitTruncated();
      return;
    }
    this.onLine(line);
  }

  private emitTruncated(): void {
    const total = this.skipping;
    this.skipping = 0;
    const head = this.head;
    this.head = '';
    this.onLine(`${head} …[line truncated: ${formatSize(total)} characters, first ${formatSize(this.maxLineChars)} shown]`);
  }
}

/** The first `max` characters, never ending on half a surrogate pair. */
function cutHead(s: string, max: number): string {
  let end = Math.min(max, s.length);
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return s.slice(0, end);
}

export function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} M`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} K`;
  return String(n);
}
