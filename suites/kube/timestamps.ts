// The stand-in's own RFC3339Nano formatting (Go's time.RFC3339Nano: trailing zeros of the fraction trimmed).
// Kept apart from the extension's parser on purpose, so a bug in one cannot hide in the other.
export function nsToRfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? '.' + frac : ''}Z`;
}

/** RFC3339 with or without a fraction, `Z` or an offset, to nanoseconds since the epoch. */
export function parseRfc3339ToNs(text: string): bigint {
  const m = text.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/);
  if (!m) throw new Error(`stand-in: bad RFC3339 time ${text}`);
  const seconds = BigInt(Date.parse(m[1] + m[3]) / 1000);
  return seconds * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}
