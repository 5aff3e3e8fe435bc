import * as assert from 'node:assert';
import { parseIni, rulesFromIniText } from '../../../src/core/pytest/ini';

function pytestSection(text: string): Map<string, string> {
  const r = parseIni(text);
  assert.ok('sections' in r, 'error' in r ? r.error : '');
  return r.sections.get('pytest')!;
}

describe('pytest.ini parser', () => {
  it('reads sections, both separators, comments and continuation lines as iniconfig does', () => {
    const s = pytestSection(
      '; a comment\n[pytest]  # trailing comment\npython_files = check_*.py\n' +
        'python_classes: Spec\n  # indented comment\naddopts =\n    -x\n    --maxfail=3\n',
    );
    assert.strictEqual(s.get('python_files'), 'check_*.py');
    assert.strictEqual(s.get('python_classes'), 'Spec');
    assert.strictEqual(s.get('addopts'), '-x\n--maxfail=3');
  });

  it('splits a key at the first = or :, whichever comes first', () => {
    const s = pytestSection('[pytest]\nmarkers = slow: takes long\nurl: http://x=y\n');
    assert.strictEqual(s.get('markers'), 'slow: takes long');
    assert.strictEqual(s.get('url'), 'http://x=y');
  });

  it('reads a file with \\r-only line breaks, like Python splitlines', () => {
    const r = rulesFromIniText('[pytest]\rpython_files = a_*.py\rtestpaths =\r  x\r  y\r', '/p/pytest.ini');
    assert.ok(r.kind === 'ok');
    assert.deepStrictEqual(r.rules.pythonFiles, ['a_*.py']);
    assert.deepStrictEqual(r.rules.testpaths, ['x', 'y']);
  });

  it('reads a 40,000-character value line exactly', () => {
    const value = 'a '.repeat(20_000).trim();
    const s = pytestSection(`[pytest]\naddopts = ${value}\n`);
    assert.strictEqual(s.get('addopts'), value);
  });

  it('reads a 1 MB line of spaces between key and value exactly (the shape that made the old regex quadratic)', () => {
    const s = pytestSection(`[pytest]\nkey${' '.repeat(1_000_000)}= value\n`);
    assert.deepStrictEqual([...s], [['key', 'value']]);
  });

  it('refuses a 1 MB line with no separator, with a message of bounded size', () => {
    const r = parseIni(`[pytest]\n${'k '.repeat(500_000)}x\n`);
    assert.ok('error' in r);
    assert.match(r.error, /^line 2: "k k k .*…" is neither a \[section\] nor a key = value$/);
    assert.ok(r.error.length < 200, `${r.error.length} characters`);
  });

  it('says what is wrong: a key before any section, a key set twice, a section twice, a stray indent', () => {
    const err = (t: string) => {
      const r = parseIni(t);
      return 'error' in r ? r.error : 'no error';
    };
    assert.strictEqual(err('a = 1\n'), 'line 1: "a" comes before any [section]');
    assert.strictEqual(err('[pytest]\na = 1\na = 2\n'), 'line 3: "a" is set twice');
    assert.strictEqual(err('[pytest]\n[pytest]\n'), 'line 2: section [pytest] appears twice');
    assert.strictEqual(err('[pytest]\n  x\n'), 'line 2: an indented line continues no value');
    assert.strictEqual(err('[pytest]\n= 1\n'), 'line 2: "= 1" is neither a [section] nor a key = value');
  });
});
