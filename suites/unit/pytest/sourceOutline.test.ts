import * as assert from 'node:assert';
import { outline } from '../../../src/core/pytest/sourceOutline';
import { DEFAULT_RULES } from '../../../src/core/pytest/ini';
import { leafIds, readTests } from '../../../src/core/pytest/staticReader';

describe('source outline and static reader on hostile source (fuzzer regressions)', () => {
  it('ends each def and class at its last line, also when the file ends inside it', () => {
    const o = outline(
      'class TestA:\n    def test_x(self):\n        pass\n\n    def test_y(self):\n        x = 1\n        y = 2\n',
    );
    const cls = o.members.get('TestA');
    assert.ok(cls?.kind === 'class');
    assert.deepStrictEqual([cls.line, cls.endLine], [0, 6]);
    const y = cls.members.get('test_y');
    assert.deepStrictEqual([y?.line, y?.endLine], [4, 6]);
    assert.deepStrictEqual(cls.members.get('test_x')?.endLine, 2);
  });

  it('reads 1,000 nested blocks and ignores classes deeper than Python allows', () => {
    let src = '';
    for (let i = 0; i < 1000; i++) src += `${' '.repeat(i)}if x:\n`;
    src += 'class TestTop:\n    def test_a(self):\n        pass\n';
    assert.deepStrictEqual(leafIds(readTests(src, 't.py', DEFAULT_RULES)), ['t.py::TestTop::test_a']);
    let deep = '';
    for (let i = 0; i < 150; i++) deep += `${' '.repeat(i)}class TestC${i}:\n`;
    const ids = leafIds(
      readTests(`${deep}${' '.repeat(150)}def test_deep(self): pass\n`, 't.py', DEFAULT_RULES),
    );
    assert.deepStrictEqual(ids, []);
  });

  it('follows a long chain of same-module bases without recursion', () => {
    let src = 'class Base:\n    def test_inherited(self):\n        pass\n';
    src += 'class C0(Base):\n    pass\n';
    for (let i = 1; i < 2000; i++) src += `class C${i}(C${i - 1}):\n    pass\n`;
    src += 'class TestLast(C1999):\n    pass\n';
    const ids = leafIds(readTests(src, 't.py', DEFAULT_RULES));
    // The chain is longer than the reader follows, so the inherited test is not found: no stack overflow.
    assert.deepStrictEqual(ids, []);
    assert.deepStrictEqual(
      leafIds(
        readTests(
          'class Base:\n    def test_i(self): pass\nclass TestK(Base):\n    pass\n',
          't.py',
          DEFAULT_RULES,
        ),
      ),
      ['t.py::TestK::test_i'],
    );
  });
});
