/**
 * The RFC3339Nano prefixes the API server puts before each log line when asked for `timestamps`.
 * A line's position for resuming is its timestamp as a fixed-width key (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`),
 * so keys compare as strings in time order whatever fraction length the server chose.
 */
export interface StampedLine {
  /** Fixed-width UTC key with nine fraction digits; '' when the line carried no timestamp. */
  key: string;
  /** Milliseconds since the epoch; NaN when there was no timestamp. */
  ms: number;
  text: string;
}

let cachedSecond = '';
let cachedSecondMs = 0;

/** Splits `2024-05-01T10:00:00.123456789Z hello` into its timestamp and text; a line without one keeps its text whole. */
export function splitTimestamp(line: string): StampedLine {
  const space = line.indexOf(' ');
  if (space < 20 || space > 40 || line.charCodeAt(4) !== 45 /* - */ || line.charCodeAt(10) !== 84 /* T */) {
    return { key: '', ms: NaN, text: line };
  }
  const stamp = line.slice(0, space);
  const text = line.slice(space + 1);
  const second = stamp.slice(0, 19);
  let fraction = '';
  let zone = stamp.slice(19);
  if (zone.charCodeAt(0) === 46 /* . */) {
    let i = 1;
    while (i < zone.length && zone.charCodeAt(i) >= 48 && zone.charCodeAt(i) <= 57) i++;
    fraction = zone.slice(1, i);
    zone = zone.slice(i);
  }
  if (zone !== 'Z') {
    // An offset instead of Z: rare (the kubelet writes UTC); normalise through Date.
    const ms = Date.parse(second + zone);
    if (Number.isNaN(ms)) return { key: '', ms: NaN, text: line };
    const utc = new Date(ms).toISOString().slice(0, 19);
    return { key: `${utc}.${fraction.padEnd(9, '0').slice(0, 9)}Z`, ms: ms + fractionMs(fraction), text };
  }
  if (second !== cachedSecond) {
    const ms = Date.parse(second + 'Z');
    if (Number.isNaN(ms)) return { key: '', ms: NaN, text: line };
    cachedSecond = second;
    cachedSecondMs = ms;
  }
  return { key: `${second}.${fraction.padEnd(9, '0').slice(0, 9)}Z`, ms: cachedSecondMs + fractionMs(fraction), text };
}

function fractionMs(fraction: string): number {
  return fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
}

/** The `sinceTime` to resume from a key: whole seconds, the form every API server version accepts (RFC3339). */
export function sinceTimeFor(key: string): string {
  return key.slice(0, 19) + 'Z';
}
