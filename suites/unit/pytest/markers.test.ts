import * as assert from 'node:assert';
import { nodesFromCollection } from '../../../src/core/pytest/collection';
import { DEFAULT_RULES } from '../../../src/core/pytest/ini';
import {
  markerOf,
  neededComponents,
  neededNote,
  pytestmarkMarkers,
  tagMarkers,
  testTags,
} from '../../../src/core/pytest/markers';
import type { CollectedTest } from '../../../src/core/pytest/protocol';
import { leafNodes, readTests, type TestNode } from '../../../src/core/pytest/staticReader';

/** Each runnable test's markers by node id, as the static read gives them. */
function markersOf(source: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of leafNodes(readTests(source, 't.py', DEFAULT_RULES))) out[n.nodeid] = n.markers ?? [];
  return out;
}

describe('markers: the static read of pytest marks', () => {
  it('reads function decorators, with or without arguments; parametrize, usefixtures and filterwarnings are no tags', () => {
    const src = [
      'import sys',
      'import pytest',
      '',
      '@pytest.mark.slow',
      '@pytest.mark.skipif(sys.platform == "win32", reason="a, b")',
      '@pytest.mark.parametrize("x", [1, 2])',
      '@pytest.mark.usefixtures("db")',
      '@pytest.mark.filterwarnings("ignore")',
      '@pytest.mark.xfail(reason="pynode restarts")',
      'def test_a(x):',
      '    pass',
      '',
      '@staticmethod',
      '@patch("app.mark.slow")',
      'def test_plain():',
      '    """@pytest.mark.slow in a docstring is text."""',
    ].join('\n');
    assert.deepStrictEqual(markersOf(src), {
      't.py::test_a[1]': ['skipif', 'slow', 'xfail'],
      't.py::test_a[2]': ['skipif', 'slow', 'xfail'],
      't.py::test_plain': [],
    });
    // The function item above the cases carries them too, so the tree's filter keeps it.
    const fn = readTests(src, 't.py', DEFAULT_RULES)[0];
    assert.deepStrictEqual(fn.markers, ['skipif', 'slow', 'xfail']);
  });

  it("applies a class's decorators and pytestmark to its methods, nested classes' and same-module bases' too", () => {
    const src = [
      'import pytest',
      '',
      '@pytest.mark.from_base',
      'class Base:',
      '    def test_inherited(self):',
      '        pass',
      '',
      '@pytest.mark.outer',
      'class TestOuter(Base):',
      '    pytestmark = pytest.mark.outer_attr',
      '',
      '    @pytest.mark.own',
      '    def test_own(self):',
      '        pass',
      '',
      '    class TestInner:',
      '        pytestmark = [',
      '            pytest.mark.inner_a,',
      '            pytest.mark.inner_b("x, y"),',
      '        ]',
      '',
      '        def test_deep(self):',
      '            pass',
      '',
      'class TestPlain:',
      '    def test_none(self):',
      '        pass',
    ].join('\n');
    assert.deepStrictEqual(markersOf(src), {
      't.py::TestOuter::test_inherited': ['from_base', 'outer', 'outer_attr'],
      't.py::TestOuter::test_own': ['from_base', 'outer', 'outer_attr', 'own'],
      't.py::TestOuter::TestInner::test_deep': ['from_base', 'inner_a', 'inner_b', 'outer', 'outer_attr'],
      't.py::TestPlain::test_none': [],
    });
  });

  it('reads module-level pytestmark, single and as a list or tuple, for every test of the module', () => {
    assert.deepStrictEqual(
      markersOf('import pytest\npytestmark = pytest.mark.kube_events\ndef test_a():\n    pass\n'),
      { 't.py::test_a': ['kube_events'] },
    );
    const list = [
      'import pytest',
      'pytestmark = [pytest.mark.integration, pytest.mark.skipif(True, reason="[no, cluster]")]',
      'class TestA:',
      '    def test_b(self):',
      '        pass',
    ].join('\n');
    assert.deepStrictEqual(markersOf(list), { 't.py::TestA::test_b': ['integration', 'skipif'] });
    const tuple = 'import pytest\npytestmark = (pytest.mark.a, pytest.mark.b)\ndef test_c():\n    pass\n';
    assert.deepStrictEqual(markersOf(tuple), { 't.py::test_c': ['a', 'b'] });
    // The later assignment is the one pytest sees.
    const twice =
      'import pytest\npytestmark = pytest.mark.a\npytestmark = pytest.mark.b\ndef test_d():\n    pass\n';
    assert.deepStrictEqual(markersOf(twice), { 't.py::test_d': ['b'] });
  });

  it('reads `from pytest import mark`, its `as` alias, and `import pytest as pt`', () => {
    const src = [
      'from pytest import fixture, mark as m',
      'from pytest import mark',
      'import pytest as pt',
      '',
      '@mark.slow',
      '@m.knative',
      '@pt.mark.victoria_metrics()',
      '@other.slowish',
      'def test_a():',
      '    pass',
    ].join('\n');
    assert.deepStrictEqual(markersOf(src), { 't.py::test_a': ['knative', 'slow', 'victoria_metrics'] });
    assert.strictEqual(markerOf('m.slow'), undefined, 'without the import, `m` is not pytest.mark');
  });

  it("a case's own marks from pytest.param(marks=…), across stacked decorators; the function has what all share", () => {
    const src = [
      'import pytest',
      'from pytest import mark as m',
      '@pytest.mark.parametrize("a", [1, pytest.param(2, marks=m.slow)])',
      '@pytest.mark.parametrize(',
      '    "b",',
      '    [pytest.param("x", marks=[pytest.mark.gpu, pytest.mark.skipif(True, reason="r")]), pytest.param("y", marks=pytest.mark.gpu)],',
      ')',
      'def test_grid(a, b):',
      '    pass',
    ].join('\n');
    assert.deepStrictEqual(markersOf(src), {
      't.py::test_grid[x-1]': ['gpu', 'skipif'],
      't.py::test_grid[x-2]': ['gpu', 'skipif', 'slow'],
      't.py::test_grid[y-1]': ['gpu'],
      't.py::test_grid[y-2]': ['gpu', 'slow'],
    });
    assert.deepStrictEqual(readTests(src, 't.py', DEFAULT_RULES)[0].markers, ['gpu']);
  });

  it('a unittest.TestCase class passes its marks to its test methods', () => {
    const src = [
      'import unittest, pytest',
      '@pytest.mark.legacy',
      'class Checks(unittest.TestCase):',
      '    def test_x(self):',
      '        pass',
    ].join('\n');
    assert.deepStrictEqual(markersOf(src), { 't.py::Checks::test_x': ['legacy'] });
  });

  it('pytestmark values: items at the top level only, strings and brackets kept whole', () => {
    assert.deepStrictEqual(pytestmarkMarkers(' pytest.mark.a '), ['a']);
    assert.deepStrictEqual(
      pytestmarkMarkers('[pytest.mark.a("x,]y"), pytest.mark.b(items=[1, 2]), not_a_mark, mark.c]'),
      ['a', 'b', 'c'],
    );
    assert.deepStrictEqual(pytestmarkMarkers('[]'), []);
    assert.deepStrictEqual(tagMarkers(['slow', 'parametrize', 'a', 'slow']), ['a', 'slow']);
  });
});

describe('markers: from collection, and the parts tests need', () => {
  const collected = (nodeid: string, markers: string[]): CollectedTest => ({
    nodeid,
    file: '/ws/t.py',
    line: 1,
    name: nodeid.split('::').pop()!,
    parametrized: nodeid.includes('['),
    markers,
  });

  it("takes each item's iter_markers(); a parametrized function carries what all its cases share", () => {
    const files = nodesFromCollection(
      [
        collected('t.py::test_a[1]', ['parametrize', 'slow']),
        collected('t.py::test_a[2]', ['parametrize', 'slow', 'skip']),
        collected('t.py::TestB::test_c', ['hook_added', 'usefixtures']),
      ],
      new Map(),
    );
    const all = (nodes: readonly TestNode[]): TestNode[] => nodes.flatMap((n) => [n, ...all(n.children)]);
    const byId = Object.fromEntries(all(files.get('t.py')!).map((n) => [n.nodeid, n.markers]));
    assert.deepStrictEqual(byId, {
      't.py::test_a': ['slow'],
      't.py::test_a[1]': ['slow'],
      't.py::test_a[2]': ['skip', 'slow'],
      't.py::TestB': undefined,
      't.py::TestB::test_c': ['hook_added'],
    });
  });

  it('tests.needsComponent: the needs-component tag and a note naming the missing parts', () => {
    const needs = { victoria_metrics: 'Victoria Metrics', knative: 'Knative (custom fork)', blank: ' ' };
    assert.deepStrictEqual(neededComponents(['slow'], needs), []);
    assert.deepStrictEqual(testTags(['slow'], []), ['slow']);
    const parts = neededComponents(['knative', 'blank', 'victoria_metrics', 'toString'], needs);
    assert.deepStrictEqual(parts, ['Knative (custom fork)', 'Victoria Metrics']);
    assert.deepStrictEqual(testTags(['knative', 'victoria_metrics'], parts), [
      'knative',
      'victoria_metrics',
      'needs-component',
    ]);
    assert.strictEqual(
      neededNote(parts),
      'needs Knative (custom fork), Victoria Metrics: not in the local cluster, run it on CI',
    );
  });
});
