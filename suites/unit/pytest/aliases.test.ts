import * as assert from 'node:assert';
import { DEFAULT_RULES } from '../../../src/core/pytest/ini';
import { leafIds, readTests } from '../../../src/core/pytest/staticReader';
import { junitMapper, type TreeFile } from '../../../src/core/junit/nodeMap';
import type { JUnitCase } from '../../../src/core/junit/report';

const testcase = (classname: string, name: string, outcome: JUnitCase['outcome'] = 'passed'): JUnitCase => ({
  classname,
  name,
  outcome,
  message: outcome === 'passed' ? '' : 'boom',
  duration: 0.01,
  collectionError: false,
  source: 'r.xml',
});

// What pytest collects from this module (checked by hand with pytest 8 --collect-only; the integration tier
// runs real pytest on the same shape).
const SOURCE = [
  'import pytest',
  '',
  'def test_original():',
  '    pass',
  '',
  'test_alias = test_original  # the same test under a second name',
  '',
  '@pytest.mark.parametrize("n", [1, 2])',
  'def test_param(n):',
  '    pass',
  '',
  'test_param_again = test_param',
  'helper = test_original',
  'test_not_a_test = 42',
  'test_unknown = imported_elsewhere',
  '',
  'class TestGroup:',
  '    def test_method(self):',
  '        pass',
  '',
  '    test_method_alias = test_method',
  '',
  'TestGroupAgain = TestGroup',
  '',
].join('\n');

describe('tests made by assignment (test_alias = test_original)', () => {
  it('the static reader lists them where pytest does, module and class level, cases and classes too', () => {
    assert.deepStrictEqual(leafIds(readTests(SOURCE, 't.py', DEFAULT_RULES)), [
      't.py::test_original',
      't.py::test_alias',
      't.py::test_param[1]',
      't.py::test_param[2]',
      't.py::test_param_again[1]',
      't.py::test_param_again[2]',
      't.py::TestGroup::test_method',
      't.py::TestGroup::test_method_alias',
      't.py::TestGroupAgain::test_method',
      't.py::TestGroupAgain::test_method_alias',
    ]);
    const alias = readTests(SOURCE, 't.py', DEFAULT_RULES).find((n) => n.name === 'test_alias')!;
    // Its line in the tree is the assignment's (0-based), where the gutter shows it.
    assert.deepStrictEqual(alias.range, { start: 5, end: 5 });
  });

  it("a report's testcases of aliases map onto the tree, none left unmatched", () => {
    const file: TreeFile = {
      path: '/r/tests/t.py',
      rootdir: '/r/tests',
      fileId: 't.py',
      repoPath: 'tests/t.py',
      tests: readTests(SOURCE, 't.py', DEFAULT_RULES),
    };
    const mapped = junitMapper([file])([
      testcase('t', 'test_alias'),
      testcase('t', 'test_param_again[2]'),
      testcase('t.TestGroupAgain', 'test_method_alias', 'failed'),
    ]);
    assert.deepStrictEqual(mapped.unmatched, []);
    assert.deepStrictEqual(
      mapped.results.map((r) => r.nodeid),
      ['t.py::test_alias', 't.py::test_param_again[2]', 't.py::TestGroupAgain::test_method_alias'],
    );
  });
});
