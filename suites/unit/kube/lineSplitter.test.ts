import * as assert from 'node:assert';
import { LineSplitter } from '../../../src/core/kube/lineSplitter';
import { compareStamps, sinceTimeFor, splitTimestamp as splitBytes } from '../../../src/core/kube/timestamps';

/** The byte parser on a string line, its text decoded back for the assertions. */
function splitTimestamp(line: string) {
  const buf = Buffer.from(line);
  const t = splitBytes(buf, 0, buf.length);
  return { second: t.second, nanos: t.nanos, ms: t.ms, text: buf.toString('utf8', t.textStart) };
}

function split(chunks: Buffer[], max?: number, end: 'flush' | 'discard' = 'flush'): string[] {
  const out: string[] = [];
  // Lines arrive as byte ranges; the store decodes them the same way (utf8, U+FFFD for bad bytes).
  const s = new LineSplitter((buf, start, end) => out.push(buf.toString('utf8', start, end)), max);
  for (const c of chunks) s.write(c);
  if (end === 'flush') s.flush();
  else s.discardPartial();
  return out;
}

describe('kube: LineSplitter', () => {
  it('joins lines split across chunks and keeps a last line without newline on a normal end', () => {
    assert.deepStrictEqual(split([Buffer.from('ab'), Buffer.from('c\nde'), Buffer.from('f\r\n\ng')]), [
      'abc',
      'def',
      '',
      'g',
    ]);
  });

  it('drops the incomplete last line when the stream broke (the resumed stream sends it whole)', () => {
    assert.deepStrictEqual(split([Buffer.from('one\ntw')], undefined, 'discard'), ['one']);
  });

  it('never breaks a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('ünïcödé ✓ 日本\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    assert.deepStrictEqual(split(chunks), ['ünïcödé ✓ 日本']);
  });

  it('decodes invalid UTF-8 as U+FFFD instead of throwing', () => {
    const bad = Buffer.concat([
      Buffer.from('ok '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(' end\nnext\n'),
    ]);
    const lines = split([bad]);
    assert.strictEqual(lines.length, 2);
    assert.match(lines[0], /^ok \uFFFD+ end$/);
    assert.strictEqual(lines[1], 'next');
  });

  it('truncates a megabyte line, marks it with its real size, and keeps the next line intact', () => {
    const mb = Buffer.alloc(1024 * 1024, 'x');
    // Fed in 64 KiB chunks like a socket would: the tail is skipped, not buffered.
    const all = Buffer.concat([Buffer.from('before\n'), mb, Buffer.from('\nafter\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < all.length; i += 65536) chunks.push(all.subarray(i, i + 65536));
    const lines = split(chunks, 16 * 1024);
    assert.strictEqual(lines.length, 3);
    assert.strictEqual(lines[0], 'before');
    assert.ok(
      lines[1].startsWith('x'.repeat(16 * 1024) + ' …[line truncated: 1.0 MB, first 16.0 KB shown]'),
      lines[1].slice(16 * 1024),
    );
    assert.strictEqual(lines[2], 'after');
  });

  it('cuts a truncated line on a character boundary, never half an emoji', () => {
    const line = Buffer.from('😀'.repeat(100) + '\n');
    const [only] = split([line], 51);
    assert.ok(only.startsWith('😀'.repeat(12) + ' …[line truncated: 400 bytes'), only);
  });

  it('a truncated line split across chunks ends at its newline, and the rest goes on', () => {
    const lines = split(
      [Buffer.from('a'.repeat(30)), Buffer.from('b'.repeat(30)), Buffer.from('c\nnext\n')],
      40,
    );
    assert.deepStrictEqual(lines, [
      'a'.repeat(30) + 'b'.repeat(10) + ' …[line truncated: 61 bytes, first 40 bytes shown]',
      'next',
    ]);
  });
});

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
