/**
 * The RFC3339Nano prefixes the API server puts before each log line when asked for `timestamps`.
 * A line's position for resuming is (second, nanos): the UTC second as `YYYY-MM-DDTHH:MM:SS` and the
 * nanoseconds within it, so stamps compare in time order whatever fraction length the server chose
 * (Go trims trailing zeros). Every pod line passes through here, as bytes: the second's string is
 * cached and reused, the result object can be reused, so a line costs no allocation at all.
 */
export interface StampedLine {
  /** UTC second `YYYY-MM-DDTHH:MM:SS`; '' when the line carried no timestamp. */
  second: string;
  /** Nanoseconds within the second. */
  nanos: number;
  /** Milliseconds since the epoch; NaN when there was no timestamp. */
  ms: number;
  /** Where the line's own text starts (after the stamp and its space). */
  textStart: number;
}

let cachedSecond = '';
let cachedSecondMs = 0;
const cachedBytes = Buffer.alloc(19);

export function splitTimestamp(
  buf: Buffer,
  start: number,
  end: number,
  out: StampedLine = { second: '', nanos: 0, ms: NaN, textStart: 0 },
): StampedLine {
  let space = -1;
  // The usual shape, nine fraction digits and Z (`2024-05-01T10:00:00.123456789Z `), needs no search.
  if (end - start > 30 && buf[start + 30] === 32 && buf[start + 29] === 90) space = start + 30;
  else
    for (let k = start + 19; k < end && k < start + 41; k++) {
      if (buf[k] === 32) {
        space = k;
        break;
      }
    }
  if (space < 0 || buf[start + 4] !== 45 /* - */ || buf[start + 10] !== 84 /* T */) return plain(start, out);
  const cached = cachedSecond !== '' && sameSecond(buf, start);
  // Only a well-formed second reaches Date.parse, whose legacy fallback would accept odd text.
  if (!cached && !isSecondShape(buf, start)) return plain(start, out);
  let i = start + 19;
  let nanos = 0;
  if (buf[i] === 46 /* . */) {
    i++;
    const stop = start + 29;
    while (i < space && i < stop && buf[i] >= 48 && buf[i] <= 57) nanos = nanos * 10 + buf[i++] - 48;
    for (let d = i; d < stop; d++) nanos *= 10;
    while (i < space && buf[i] >= 48 && buf[i] <= 57) i++; // digits past nanoseconds
  }
  if (i === space - 1 && buf[i] === 90 /* Z */) {
    if (!cached) {
      const second = buf.toString('latin1', start, start + 19);
      const ms = Date.parse(second + 'Z');
      if (Number.isNaN(ms)) return plain(start, out);
      cachedSecond = second;
      cachedSecondMs = ms;
      buf.copy(cachedBytes, 0, start, start + 19);
    }
    out.second = cachedSecond;
    out.ms = cachedSecondMs + Math.floor(nanos / 1e6);
  } else {
    // An offset instead of Z: rare (the kubelet writes UTC); normalise through Date.
    if (!isOffsetShape(buf, i, space)) return plain(start, out);
    const ms = Date.parse(buf.toString('latin1', start, start + 19) + buf.toString('latin1', i, space));
    if (Number.isNaN(ms)) return plain(start, out);
    out.second = new Date(ms).toISOString().slice(0, 19);
    out.ms = ms + Math.floor(nanos / 1e6);
  }
  out.nanos = nanos;
  out.textStart = space + 1;
  return out;
}

/** Whether the stamp at `start` is in the cached second: byte by byte from the seconds digit back, where stamps differ first (Buffer.compare with offsets costs more per call). */
function sameSecond(buf: Buffer, start: number): boolean {
  for (let k = 18; k >= 0; k--) if (buf[start + k] !== cachedBytes[k]) return false;
  return true;
}

/** `YYYY-MM-DDTHH:MM:SS` at `start`, digit by digit. */
function isSecondShape(buf: Buffer, start: number): boolean {
  for (let k = 0; k < 19; k++) {
    const b = buf[start + k];
    const want = k === 4 || k === 7 ? 45 : k === 10 ? 84 : k === 13 || k === 16 ? 58 : -1;
    if (want < 0 ? !(b >= 48 && b <= 57) : b !== want) return false;
  }
  return true;
}

/** `+HH:MM` or `-HH:MM` between `i` and `end`. */
function isOffsetShape(buf: Buffer, i: number, end: number): boolean {
  if (end - i !== 6 || (buf[i] !== 43 && buf[i] !== 45) || buf[i + 3] !== 58) return false;
  return [1, 2, 4, 5].every((k) => buf[i + k] >= 48 && buf[i + k] <= 57);
}

function plain(start: number, out: StampedLine): StampedLine {
  out.second = '';
  out.nanos = 0;
  out.ms = NaN;
  out.textStart = start;
  return out;
}

/** Orders two stamps: negative when a is earlier. Same-second strings are usually the same cached object. */
export function compareStamps(aSecond: string, aNanos: number, bSecond: string, bNanos: number): number {
  if (aSecond !== bSecond) return aSecond < bSecond ? -1 : 1;
  return aNanos - bNanos;
}

/** The `sinceTime` to resume from: the whole second, the form every API server version accepts (RFC3339). */
export function sinceTimeFor(second: string): string {
  return second + 'Z';
}
