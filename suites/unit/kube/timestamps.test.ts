import * as assert from 'node:assert';
import { compareStamps, sinceTimeFor, splitTimestamp as splitBytes } from '../../../src/core/kube/timestamps';

/** The byte parser on a string line, its text decoded back for the assertions. */
function splitTimestamp(line: string) {
  const buf = Buffer.from(line);
  const t = splitBytes(buf, 0, buf.length);
  return { second: t.second, nanos: t.nanos, ms: t.ms, text: buf.toString('utf8', t.textStart) };
}

describe('kube: timestamps', () => {
  it('splits RFC3339Nano prefixes into second + nanos that order in time whatever the fraction length', () => {
    const a = { ...splitTimestamp('2024-05-01T10:00:00.1Z first') };
    const b = { ...splitTimestamp('2024-05-01T10:00:00.099999999Z earlier') };
    const c = { ...splitTimestamp('2024-05-01T10:00:00Z earliest') };
    assert.deepStrictEqual(a, {
      second: '2024-05-01T10:00:00',
      nanos: 100_000_000,
      ms: Date.parse('2024-05-01T10:00:00.100Z'),
      text: 'first',
    });
    assert.ok(
      compareStamps(c.second, c.nanos, b.second, b.nanos) < 0 &&
        compareStamps(b.second, b.nanos, a.second, a.nanos) < 0,
    );
    const d = splitTimestamp('2024-05-01T10:00:01.000000001Z next second');
    assert.ok(compareStamps(a.second, a.nanos, d.second, d.nanos) < 0);
    assert.strictEqual(sinceTimeFor(a.second), '2024-05-01T10:00:00Z');
  });

  it('keeps a line without timestamp whole', () => {
    assert.deepStrictEqual(
      { ...splitTimestamp('plain text line') },
      { second: '', nanos: 0, ms: NaN, text: 'plain text line' },
    );
  });

  it('normalises an offset to UTC', () => {
    const t = splitTimestamp('2024-05-01T12:00:00.5+02:00 x');
    assert.deepStrictEqual([t.second, t.nanos, t.text], ['2024-05-01T10:00:00', 500_000_000, 'x']);
  });
});
