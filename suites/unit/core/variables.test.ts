import * as assert from 'node:assert';
import { parseEnvFile } from '../../../src/core/variables';

describe('.env files (util.parseEnv behind a linear line cutter)', () => {
  it('reads plain, exported, quoted, multi-line and commented assignments', () => {
    const env = parseEnvFile(
      '# comment\nA=1\nexport B=two words\nC="x\\ny"\nD=\'single\' # note\nE=plain # note\n' +
        '  F = spaced  \nG="first\nsecond"\nH=\n',
    );
    assert.deepStrictEqual(env, {
      A: '1',
      B: 'two words',
      C: 'x\ny',
      D: 'single',
      E: 'plain',
      F: 'spaced',
      G: 'first\nsecond',
      H: '',
    });
  });

  it('skips a line without = instead of gluing it to the next key (Node 20 alone reads "G\\nH")', () => {
    assert.deepStrictEqual(parseEnvFile('G\nH=1\n'), { H: '1' });
  });

  it('keeps reading after a line that starts with = (Node 20 alone stops there)', () => {
    assert.deepStrictEqual(parseEnvFile('=1\nX=2\n'), { X: '2' });
  });

  it('reads \\r-only and \\r\\n line breaks as lines', () => {
    assert.deepStrictEqual(parseEnvFile('A=1\rB=2\r\nC=3'), { A: '1', B: '2', C: '3' });
  });

  it('skips a quote never closed and values holding NUL, which no process could receive', () => {
    assert.deepStrictEqual(parseEnvFile('C="x\0"\nD=ok\nB=2\nA="open\nE=5'), { D: 'ok', B: '2', E: '5' });
  });

  it('never sets the prototype from a __proto__ key', () => {
    const env = parseEnvFile('__proto__=1\nK=v');
    assert.strictEqual(Object.getPrototypeOf(env), Object.prototype);
    assert.deepStrictEqual(env, { K: 'v' });
  });

  it('reads half a million lines without = and a 1 MB value exactly', () => {
    assert.deepStrictEqual(parseEnvFile('abc\n'.repeat(500_000) + 'Z=1'), { Z: '1' });
    const big = 'v'.repeat(1_000_000);
    assert.strictEqual(parseEnvFile(`BIG=${big}\n`).BIG, big);
  });
});
