/**
 * The RFC3339Nano prefixes the API server puts before each log line when asked for `timestamps`.
 * A line's position for resuming is (second, nanos): the UTC second as `YYYY-MM-DDTHH:MM:SS` and the
 * nanoseconds within it, so stamps compare in time order whatever fraction length the server chose
 * (Go trims trailing zeros). Every pod line passes through here: the second's string is cached and
 * reused, and the result object can be reused, so a line costs no allocation but its text.
 */
export interface StampedLine {
  /** UTC second `YYYY-MM-DDTHH:MM:SS`; '' when the line carried no timestamp. */
  second: string;
  /** Nanoseconds within the second. */
  nanos: number;
  /** Milliseconds since the epoch; NaN when there was no timestamp. */
  ms: number;
  text: string;
}

let cachedSecond = '';
let cachedSecondMs = 0;

export function splitTimestamp(line: string, out: StampedLine = { second: '', nanos: 0, ms: NaN, text: '' }): StampedLine {
  const space = line.indexOf(' ', 19);
  if (space < 20 || space > 40 || line.charCodeAt(4) !== 45 /* - */ || line.charCodeAt(10) !== 84 /* T */) return plain(line, out);
  let i = 19;
  let nanos = 0;
  if (line.charCodeAt(19) === 46 /* . */) {
    i = 20;
    while (i < space && i < 29) {
      const c = line.charCodeAt(i);
      if (c < 48 || c > 57) break;
      nanos = nanos * 10 + c - 48;
      i++;
    }
    for (let d = i; d < 29; d++) nanos *= 10;
    while (i < space && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++; // digits past nanoseconds
  }
  if (i === space - 1 && line.charCodeAt(i) === 90 /* Z */) {
    if (cachedSecond === '' || !sameSecond(line, cachedSecond)) {
      const ms = Date.parse(line.slice(0, 19) + 'Z');
      if (Number.isNaN(ms)) return plain(line, out);
      cachedSecond = line.slice(0, 19);
      cachedSecondMs = ms;
    }
    out.second = cachedSecond;
    out.ms = cachedSecondMs + Math.floor(nanos / 1e6);
  } else {
    // An offset instead of Z: rare (the kubelet writes UTC); normalise through Date.
    const ms = Date.parse(line.slice(0, 19) + line.slice(i, space));
    if (Number.isNaN(ms)) return plain(line, out);
    out.second = new Date(ms).toISOString().slice(0, 19);
    out.ms = ms + Math.floor(nanos / 1e6);
  }
  out.nanos = nanos;
  out.text = line.slice(space + 1);
  return out;
}

/** Whether the line starts with this second; from the seconds digit backwards, where consecutive stamps differ first (startsWith is slower on sliced strings). */
function sameSecond(line: string, second: string): boolean {
  for (let k = 18; k >= 0; k--) if (line.charCodeAt(k) !== second.charCodeAt(k)) return false;
  return true;
}

function plain(line: string, out: StampedLine): StampedLine {
  out.second = '';
  out.nanos = 0;
  out.ms = NaN;
  out.text = line;
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
