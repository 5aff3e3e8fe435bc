import * as assert from 'node:assert';
import { splitTimestamp } from '../../../src/core/kube/timestamps';

const at = (text: string, start = 0, end = Buffer.byteLength(text, 'latin1')) =>
  splitTimestamp(Buffer.from(text, 'latin1'), start, end);

describe('kube log timestamps (fuzzer regressions)', () => {
  it('reads the usual stamp, a short fraction and an offset', () => {
    const t = at('2024-05-01T10:00:00.123456789Z hello');
    assert.deepStrictEqual([t.second, t.nanos, t.textStart], ['2024-05-01T10:00:00', 123456789, 31]);
    assert.strictEqual(at('2024-05-01T10:00:00.5Z x').nanos, 500_000_000);
    const o = at('2024-05-01T12:00:00.5+02:00 x');
    assert.deepStrictEqual([o.second, o.ms], ['2024-05-01T10:00:00', Date.parse('2024-05-01T10:00:00.500Z')]);
  });

  it('never reads past the end it is given', () => {
    // Cut inside the fraction: the fast path used to read the space and Z beyond `end`.
    const t = at('2024-05-01T10:00:00.123456789Z more', 0, 28);
    assert.strictEqual(t.second, '');
    assert.ok(t.textStart <= 28, `text starts at ${t.textStart}`);
  });

  it('reads no timestamp from a stamp without Z or a well-formed offset (Date.parse would guess local time)', () => {
    for (const bad of ['2024-05-01T10:00:00 Z x', '2024-05-01T10:00:00\0Z x', '2024-05-01T10:00:00+2:00 x'])
      assert.strictEqual(at(bad).second, '', JSON.stringify(bad));
  });
});
