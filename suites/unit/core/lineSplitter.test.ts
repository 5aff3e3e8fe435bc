import * as assert from 'node:assert';
import { cutMarker, LineCutter, LineSplitter, textCutter } from '../../../src/core/lines/lineSplitter';

function split(chunks: Buffer[], max?: number, end: 'flush' | 'discard' = 'flush'): string[] {
  const out: string[] = [];
  const s = new LineSplitter((buf, start, e) => out.push(buf.toString('utf8', start, e)), max);
  for (const c of chunks) s.write(c);
  if (end === 'flush') s.flush();
  else s.discardPartial();
  return out;
}

function inChunks(all: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += size) chunks.push(all.subarray(i, i + size));
  return chunks;
}

describe('core: LineSplitter', () => {
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
    assert.deepStrictEqual(split([...bytes].map((b) => Buffer.from([b]))), ['ünïcödé ✓ 日本']);
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

  it('a line of exactly the cap is whole; one byte more is cut with the marker', () => {
    assert.deepStrictEqual(split([Buffer.from('abcd\nabcde\n')], 4), ['abcd', `abcd${cutMarker(4)}`]);
  });

  it('cuts a line on a character boundary, never half an emoji', () => {
    const [only] = split([Buffer.from('😀'.repeat(100) + '\n')], 51);
    assert.strictEqual(only, '😀'.repeat(12) + cutMarker(51));
  });

  it('a cut line split across chunks ends at its newline, and the rest goes on', () => {
    const cuts: boolean[] = [];
    const lines: string[] = [];
    const s = new LineSplitter((buf, a, b, cut) => {
      lines.push(buf.toString('utf8', a, b));
      cuts.push(cut);
    }, 40);
    for (const c of ['a'.repeat(30), 'b'.repeat(30), 'c\nnext\n']) s.write(Buffer.from(c));
    s.flush();
    assert.deepStrictEqual(lines, ['a'.repeat(30) + 'b'.repeat(10) + cutMarker(40), 'next']);
    assert.deepStrictEqual(cuts, [true, false]);
  });

  it('a 50 MB line is cut at the cap with the marker, one line, memory bounded by the cap', () => {
    const cap = 64 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let lines = 0;
    let longest = 0;
    let cutLine = '';
    const s = new LineSplitter((buf, a, b, cut) => {
      lines++;
      longest = Math.max(longest, b - a);
      if (cut) cutLine = buf.toString('utf8', a, b);
    }, cap);
    s.write(Buffer.from('before\n'));
    for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) s.write(chunk);
    s.write(Buffer.from('\nafter\n'));
    s.flush();
    assert.strictEqual(lines, 3);
    assert.strictEqual(cutLine, 'x'.repeat(cap) + cutMarker(cap));
    // Nothing longer than the cap and its marker was ever held or handed on.
    assert.ok(longest <= cap + Buffer.byteLength(cutMarker(cap)), String(longest));
  });
});

describe('core: LineCutter', () => {
  it('passes a chunk without long lines through as the same buffer, partial lines included', () => {
    const c = new LineCutter(10);
    const chunk = Buffer.from('short\n...');
    assert.strictEqual(c.cut(chunk), chunk);
    assert.strictEqual(c.cut(Buffer.from('..')).toString(), '..');
  });

  it('cuts a long line across chunks once, skips its rest, and goes on after its newline', () => {
    const c = new LineCutter(8);
    const out = ['12345', '67890abc', 'def\nok\n', 'xx']
      .map((s) => c.cut(Buffer.from(s)).toString())
      .join('');
    assert.strictEqual(out, `12345678${cutMarker(8)}\nok\nxx`);
  });

  it('keeps the output of a 50 MB line bounded, characters whole', () => {
    let text = '';
    const t = textCutter((s) => (text += s), 1000);
    const chunk = Buffer.from('é'.repeat(32 * 1024));
    for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) t.write(chunk);
    t.write('\ndone\n');
    t.end();
    assert.strictEqual(text, 'é'.repeat(500) + cutMarker(1000) + '\ndone\n');
  });

  it('splits bounded text the same way whatever the chunking', () => {
    const all = Buffer.from(`one\n${'z'.repeat(300)}\ntwo\n`);
    for (const size of [1, 7, 64, 1000]) {
      assert.deepStrictEqual(split(inChunks(all, size), 100), [
        'one',
        'z'.repeat(100) + cutMarker(100),
        'two',
      ]);
    }
  });
});
