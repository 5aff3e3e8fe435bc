import * as assert from 'node:assert';
import { join } from 'node:path';
import { discoverFolder } from '../../../src/core/pytest/discovery';
import { leafIds, type TestNode } from '../../../src/core/pytest/staticReader';
import { CORPUS, pytestCollect } from './pytestHelpers';

function allNodes(nodes: readonly TestNode[]): TestNode[] {
  return nodes.flatMap((n) => [n, ...allNodes(n.children)]);
}

/**
 * Compares the static read with what real pytest collects: identical ids, except that a function whose
 * parametrized ids cannot be known statically stands for all its cases.
 */
async function compareWithPytest(
  dir: string,
): Promise<{ staticIds: string[]; pytestIds: string[]; unknown: string[] }> {
  const files = await discoverFolder(dir, '**/*.py');
  const nodes = files.flatMap((f) => f.tests);
  const staticIds = leafIds(nodes);
  const unknown = allNodes(nodes)
    .filter((n) => n.idsUnknown)
    .map((n) => n.nodeid);
  const pytestIds = pytestCollect(dir);
  const covered = pytestIds.map((id) => {
    const fn = unknown.find((u) => id.startsWith(`${u}[`));
    return fn ?? id;
  });
  assert.deepStrictEqual([...new Set(staticIds)].sort(), [...new Set(covered)].sort());
  return { staticIds, pytestIds, unknown };
}

describe('static reader vs pytest --collect-only', function () {
  this.timeout(60_000);

  it('reads classes, nesting, decorators, unittest, async and __test__ like pytest (default rules)', async () => {
    const { staticIds, pytestIds, unknown } = await compareWithPytest(join(CORPUS, 'basic'));
    // The comparison covers the tricky cases: make sure they are really there.
    assert.ok(pytestIds.includes('test_structure.py::TestOuter::TestInner::TestDeepest::test_c'));
    assert.ok(pytestIds.includes('test_unittest_style.py::MoreCases::test_alpha'));
    assert.ok(staticIds.includes('test_params.py::test_stacked[a-0]'));
    assert.ok(staticIds.includes('test_params.py::test_values[emoji \\U0001f389]'));
    assert.ok(staticIds.includes('test_params.py::TestClassParams::test_both[2-False]'));
    assert.ok(
      !staticIds.some(
        (id) => id.includes('TestWithInit') || id.includes('TestDisabled') || id.includes('fixture'),
      ),
    );
    // Ids only Python knows (range(), a name, an id function) show at function level.
    assert.deepStrictEqual(unknown.sort(), [
      'test_params.py::test_id_function',
      'test_params.py::test_named_values',
      'test_params.py::test_unknown_values',
    ]);
  });

  it('applies python_files, python_classes, python_functions and testpaths from pytest.ini', async () => {
    const { staticIds } = await compareWithPytest(join(CORPUS, 'custom'));
    assert.ok(staticIds.includes('checks/sub/thing_spec.py::should_work[2]'));
    assert.ok(
      !staticIds.some((id) => id.startsWith('other/')),
      'a file outside testpaths is not a test file',
    );
  });

  it('gives the fixture codespace the ids pytest gives it', async () => {
    const dir = join(CORPUS, '../../../fixtures/codespace/backend/oracles/tests/integration');
    await compareWithPytest(dir);
  });

  it('puts ranges on the def line through the end of the body', async () => {
    const files = await discoverFolder(join(CORPUS, 'basic'), '**/test_structure.py');
    const nodes = allNodes(files[0].tests);
    const outer = nodes.find((n) => n.nodeid === 'test_structure.py::TestOuter')!;
    const deepest = nodes.find((n) => n.nodeid.endsWith('TestDeepest::test_c'))!;
    assert.ok(outer.range && deepest.range);
    assert.ok(outer.range.start < deepest.range.start && deepest.range.end <= outer.range.end);
    const redefined = nodes.find((n) => n.nodeid === 'test_structure.py::test_redefined')!;
    assert.ok(redefined.range!.start > outer.range.end, 'the later definition of a name is the one shown');
  });
});
