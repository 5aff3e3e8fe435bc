import * as assert from 'node:assert';
import { parseCall, pythonFloatStr } from '../../../src/core/pytest/pythonLiteral';
import { asciiEscaped, isParametrize, MAX_CASES, parametrizeIds } from '../../../src/core/pytest/parametrize';

describe('Python literals (static read)', () => {
  it('reads strings (prefixes, escapes, implicit concatenation), numbers, bools, None, lists, tuples, calls', () => {
    const v = parseCall(
      `f("a" 'b', r"\\d", b"\\x00", "\\u00e9\\n", 0x_ff, 1_000, 2.5e3, -3, True, None, [1, (2,)], (3), k=pytest.param(1, id="x"))`,
    );
    assert.ok(v.kind === 'call');
    assert.deepStrictEqual(v.args.slice(0, 4), [
      { kind: 'str', value: 'ab' },
      { kind: 'str', value: '\\d' },
      { kind: 'bytes', value: '\x00' },
      { kind: 'str', value: 'é\n' },
    ]);
    assert.deepStrictEqual(v.args.slice(4, 8), [
      { kind: 'int', value: 255n },
      { kind: 'int', value: 1000n },
      { kind: 'float', value: 2500 },
      { kind: 'int', value: -3n },
    ]);
    assert.deepStrictEqual(v.args.slice(8), [
      { kind: 'bool', value: true },
      { kind: 'none' },
      {
        kind: 'list',
        items: [
          { kind: 'int', value: 1n },
          { kind: 'tuple', items: [{ kind: 'int', value: 2n }] },
        ],
      },
      { kind: 'int', value: 3n },
    ]);
    assert.strictEqual(v.kwargs.k.kind, 'call');
  });

  it('answers unknown for what only Python can evaluate: f-strings, \\N{}, expressions, names in calls', () => {
    const v = parseCall('f(f"{x}", "\\N{DASH}", 1 + 2, x)');
    assert.ok(v.kind === 'call');
    assert.deepStrictEqual(
      v.args.map((a) => a.kind),
      ['unknown', 'unknown', 'unknown', 'name'],
    );
  });

  it('prints floats as Python does', () => {
    assert.deepStrictEqual([1, 0.1, 1e16, 1e-5, -0, NaN, Infinity, 123456789.5].map(pythonFloatStr), [
      '1.0',
      '0.1',
      '1e+16',
      '1e-05',
      '-0.0',
      'nan',
      'inf',
      '123456789.5',
    ]);
  });

  it('reads 20,000 nested brackets as unknown instead of overflowing the stack (fuzzer regression)', () => {
    const v = parseCall(`f(${'['.repeat(20_000)}1${']'.repeat(20_000)}, 2)`);
    assert.ok(v.kind === 'call');
    assert.strictEqual(v.args[0].kind, 'list');
    assert.deepStrictEqual(v.args[1], { kind: 'int', value: 2n });
  });

  it('refuses an int literal longer than Python accepts (4300 digits), which BigInt would convert slowly', () => {
    assert.deepStrictEqual(parseCall('9'.repeat(4301)), { kind: 'unknown' });
    assert.strictEqual(parseCall('9'.repeat(4300)).kind, 'int');
  });
});

describe('parametrize ids (static read)', () => {
  it('computes ids as pytest does: values, ids=, pytest.param(id=), stacking, duplicates', () => {
    assert.deepStrictEqual(
      parametrizeIds(['pytest.mark.parametrize("a", [1, "x", 2.0, None, True, b"\\xff"])']),
      ['1', 'x', '2.0', 'None', 'True', '\\xff'],
    );
    assert.deepStrictEqual(
      parametrizeIds([
        'pytest.mark.parametrize("a,b", [(1, 2), pytest.param(3, 4, id="named")], ids=["p", None])',
      ]),
      ['p', 'named'],
    );
    assert.deepStrictEqual(parametrizeIds(['parametrize("a", [1, 2])', 'parametrize("b", ["x"])']), [
      '1-x',
      '2-x',
    ]);
    assert.deepStrictEqual(parametrizeIds(['parametrize("a", [1, 1, [2]])']), ['10', '11', 'a2']);
    assert.deepStrictEqual(parametrizeIds(['parametrize("a", [])']), ['a0']);
  });

  it('gives up (function level until collection) on what only Python knows', () => {
    assert.strictEqual(parametrizeIds(['parametrize("a", range(3))']), undefined);
    assert.strictEqual(parametrizeIds(['parametrize("a", [X, Y])']), undefined);
    assert.strictEqual(parametrizeIds(['parametrize("a", [1], ids=str)']), undefined);
  });

  it(`stops at ${MAX_CASES} cases: stacked marks cannot multiply into millions (fuzzer regression)`, () => {
    const mark = `parametrize("a", [${Array.from({ length: 40 }, (_, i) => i).join(', ')}])`;
    assert.strictEqual(parametrizeIds([mark])?.length, 40);
    assert.strictEqual(parametrizeIds([mark, mark]), undefined, '1,600 cases');
  });

  it('escapes ids as pytest ascii_escaped does, and recognises parametrize decorators', () => {
    assert.strictEqual(asciiEscaped('é\t🎉\\'), '\\xe9\\t\\U0001f389\\\\');
    assert.ok(isParametrize('pytest.mark.parametrize("a", [1])'));
    assert.ok(isParametrize('mark.parametrize ("a", [1])'));
    assert.ok(!isParametrize('pytest.mark.skip(reason="parametrize later")'));
  });
});
