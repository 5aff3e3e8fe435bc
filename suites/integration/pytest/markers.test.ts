import * as assert from 'node:assert';
import { join } from 'node:path';
import { discoverFolder, type DiscoveredFile } from '../../../src/core/pytest/discovery';
import { collectRootdir } from '../../../src/core/pytest/headless';
import { reconcile, type RootdirCollection } from '../../../src/core/pytest/reconcile';
import { leafNodes, type TestNode } from '../../../src/core/pytest/staticReader';
import { CORPUS, PLUGIN_DIR, SYSTEM_PYTHON } from './pytestHelpers';

/** Each runnable test's markers by `file::nodeid`. */
function markersByTest(
  files: readonly { fileId: string; tests: readonly TestNode[] }[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of files) for (const t of leafNodes(f.tests)) out[t.nodeid] = t.markers ?? [];
  return out;
}

/** The static read of a folder with one pytest.ini, and real pytest's collection of it through the plugin. */
async function readAndCollect(
  dir: string,
): Promise<{ files: DiscoveredFile[]; collection: RootdirCollection }> {
  const ini = join(dir, 'pytest.ini');
  const files = (await discoverFolder(dir, '**/*.py')).filter((f) => f.ini === ini);
  const settings = {
    command: `${SYSTEM_PYTHON} -m pytest`,
    interpreter: SYSTEM_PYTHON,
    extraArgs: [],
    env: { PYTHONDONTWRITEBYTECODE: '1' },
    cwd: dir,
  };
  const outcome = await collectRootdir({ ini, settings, files, pluginDir: PLUGIN_DIR });
  assert.strictEqual(outcome.kind, 'collected', outcome.kind === 'failed' ? outcome.problem : outcome.kind);
  if (outcome.kind !== 'collected') throw new Error('not collected');
  return { files, collection: outcome.collection };
}

const collectedMarkers = (c: RootdirCollection) =>
  markersByTest([...c.byFile].map(([fileId, tests]) => ({ fileId, tests })));

describe('markers: the static read against real pytest collection (iter_markers through the plugin)', function () {
  this.timeout(120_000);

  it("finds what pytest finds in every place a marker comes from, a case's own marks too; a hook's comes from collection", async () => {
    const dir = join(CORPUS, 'markers');
    const { files, collection } = await readAndCollect(dir);
    const fromPytest = collectedMarkers(collection);
    assert.deepStrictEqual(fromPytest, {
      'test_marked.py::test_decorated': ['integration', 'skipif', 'slow'],
      'test_marked.py::test_cases[s]': ['integration', 'knative'],
      'test_marked.py::test_cases[l]': ['case_only', 'integration', 'knative'],
      'test_marked.py::test_gets_a_marker_from_the_hook': ['hook_added', 'integration'],
      'test_marked.py::TestOuter::test_inherited': ['from_base', 'integration', 'outer', 'victoria_metrics'],
      'test_marked.py::TestOuter::test_own': [
        'from_base',
        'integration',
        'outer',
        'victoria_metrics',
        'xfail',
      ],
      'test_marked.py::TestOuter::TestInner::test_deep': [
        'from_base',
        'inner',
        'integration',
        'kube_events',
        'outer',
        'victoria_metrics',
      ],
    });
    // The static read agrees, except what only Python can tell: the hook's marker.
    const expectedStatic = {
      ...fromPytest,
      'test_marked.py::test_gets_a_marker_from_the_hook': ['integration'],
    };
    assert.deepStrictEqual(markersByTest(files), expectedStatic);
    // Reconciled, the tree has pytest's: the hook's marker reaches the Testing view.
    const views = reconcile({
      workspace: dir,
      include: '**/*.py',
      files,
      collections: new Map([[join(dir, 'pytest.ini'), collection]]),
    });
    assert.deepStrictEqual(markersByTest(views), fromPytest);
    const fn = views[0].tests.find((t) => t.name === 'test_cases')!;
    assert.deepStrictEqual(fn.markers, ['integration', 'knative'], 'the function item: what its cases share');
  });

  it('agrees with pytest on the fixture codespace and the static-reader corpus', async () => {
    const fixtureDir = join(CORPUS, '../../../fixtures/codespace/backend/oracles/tests/integration');
    let fixture: Record<string, string[]> = {};
    const differ: string[] = [];
    for (const dir of [join(CORPUS, 'basic'), fixtureDir]) {
      const { files, collection } = await readAndCollect(dir);
      const fromPytest = collectedMarkers(collection);
      if (dir === fixtureDir) fixture = fromPytest;
      // Functions whose case ids only Python knows show at function level statically: compare them by function.
      const fromStatic = markersByTest(files);
      for (const [id, markers] of Object.entries(fromPytest)) {
        const key = id in fromStatic ? id : id.slice(0, id.indexOf('['));
        if (JSON.stringify(fromStatic[key]) !== JSON.stringify(markers))
          differ.push(`${id}: ${fromStatic[key]?.join(' ')} / ${markers.join(' ')}`);
      }
    }
    // Only the skip pytest gives the one case of an empty parameter set is left to collection.
    assert.deepStrictEqual(differ, ['test_params.py::test_empty[v0]:  / skip']);
    assert.deepStrictEqual(fixture['test_pynodes.py::test_unique_names_differ'], ['smoke']);
    assert.deepStrictEqual(fixture['test_deploy.py::test_gpu_deploy'], ['skip']);
    assert.deepStrictEqual(fixture['test_deploy.py::TestDeployments::test_whoami'], ['integration']);
  });
});
