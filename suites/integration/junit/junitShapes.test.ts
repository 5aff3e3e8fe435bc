import * as assert from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIXTURE,
  FIXTURE_INI,
  importJunit,
  NO_DJANGO,
  pytestJUnit,
  pytestNodeIds,
  SHAPES,
  workspaceCopy,
  type ImportJson,
} from './junitReports';

const SVC_INI = 'svc/tests/integration/pytest.ini';
const SVC = 'svc/tests/integration';

/** What each corpus test should come back as (node ids relative to the ini's folder, as pytest's). */
const EXPECTED: Record<string, string> = {
  'test_broken.py': 'errored',
  'test_classes.py::TestOuter::test_top': 'passed',
  'test_classes.py::TestOuter::TestInner::test_deep': 'passed',
  'test_classes.py::TestOuter::TestInner::TestInnermost::test_deepest': 'failed',
  'test_classes.py::test_module_level': 'passed',
  'test_outcomes.py::test_passes': 'passed',
  'test_outcomes.py::test_fails': 'failed',
  'test_outcomes.py::test_skipped': 'skipped',
  'test_outcomes.py::test_xfailed': 'skipped',
  'test_outcomes.py::test_xpass_strict': 'failed',
  'test_outcomes.py::test_setup_error': 'errored',
  'test_outcomes.py::test_fails_then_teardown_errors': 'failed',
  'test_params.py::test_ids[with space]': 'passed',
  'test_params.py::test_ids[a/b/c]': 'failed',
  'test_params.py::test_ids[dots.in.id]': 'passed',
  'test_params.py::test_ids[x::y]': 'passed',
  'test_params.py::test_ids[caf\\xe9]': 'passed',
  'test_params.py::test_ids[\\u65e5\\u672c]': 'passed',
  'test_params.py::test_ids[[bracket]]': 'passed',
  'test_params.py::TestInClass::test_case[one two]': 'passed',
  'test_params.py::TestInClass::test_case[three/four]': 'passed',
  'pkg/test_in_package.py::TestPackaged::test_inside': 'passed',
  'sub/test_loose.py::test_outside_package': 'passed',
};

const outcomes = (j: ImportJson) => Object.fromEntries(j.results.map((r) => [r.nodeid, r.outcome]));

describe('import-junit against real pytest --junitxml', function () {
  this.timeout(120_000);
  let shapes: string;
  let fixture: string;

  before(() => {
    shapes = workspaceCopy(SHAPES);
    fixture = workspaceCopy(FIXTURE);
  });
  after(() => {
    rmSync(shapes, { recursive: true, force: true });
    rmSync(fixture, { recursive: true, force: true });
  });

  for (const family of ['xunit1', 'xunit2']) {
    it(`maps every testcase of the tricky shapes exactly (-c layout, junit_family=${family})`, async () => {
      const report = pytestJUnit(
        shapes,
        ['-c', SVC_INI, '-o', `junit_family=${family}`, '--continue-on-collection-errors', SVC],
        join(shapes, `${family}.xml`),
      );
      const { code, json } = await importJunit(shapes, [report]);
      assert.strictEqual(code, 0);
      assert.deepStrictEqual(outcomes(json), EXPECTED);
      // The twin file of another rootdir could have written the same classname: reported, not picked.
      assert.deepStrictEqual(
        json.unmatched.map((u) => [u.classname, u.name]),
        [['test_twin', 'test_same']],
      );
      assert.match(
        json.unmatched[0].reason,
        /could be any of: .*other\/tests\/integration\/test_twin\.py.*svc\/tests\/integration\/test_twin\.py/,
      );
    });
  }

  it("uses exactly pytest's own node ids", async () => {
    const report = pytestJUnit(
      shapes,
      ['-c', SVC_INI, '--continue-on-collection-errors', SVC],
      join(shapes, 'ids.xml'),
    );
    const { json } = await importJunit(shapes, [report]);
    const collected = pytestNodeIds(shapes, ['-c', SVC_INI, '--continue-on-collection-errors', SVC]);
    const mapped = json.results.filter((r) => r.nodeid !== 'test_broken.py').map((r) => r.nodeid);
    const twin = 'test_twin.py::test_same';
    assert.deepStrictEqual(mapped.sort(), collected.filter((id) => id !== twin).sort());
  });

  it('shows a collection error on the file, a failure at its line with its message, and xfail as skipped', async () => {
    const report = pytestJUnit(
      shapes,
      ['-c', SVC_INI, '--continue-on-collection-errors', SVC],
      join(shapes, 'msg.xml'),
    );
    const { json } = await importJunit(shapes, [report]);
    const by = (id: string) => json.results.find((r) => r.nodeid === id)!;
    assert.match(
      by('test_broken.py').message,
      /collection failure[\s\S]*No module named 'module_that_does_not_exist'/,
    );
    assert.strictEqual(by('test_broken.py').file, join(shapes, SVC, 'test_broken.py'));
    const fails = by('test_outcomes.py::test_fails');
    assert.match(fails.message, /assert 1 == 2/);
    assert.strictEqual(fails.line, 21);
    assert.ok(typeof fails.duration === 'number');
    assert.match(by('test_outcomes.py::test_xfailed').message, /^xfailed: known bug 123/);
    assert.match(
      by('test_outcomes.py::test_fails_then_teardown_errors').message,
      /call failed[\s\S]*teardown went wrong/,
    );
  });

  it('maps a report of a run with the repository as rootdir onto the same nodes', async () => {
    const report = pytestJUnit(
      shapes,
      ['-c', SVC_INI, '--rootdir', '.', '--continue-on-collection-errors', SVC],
      join(shapes, 'rootdir.xml'),
    );
    const { json } = await importJunit(shapes, [report]);
    const expected = { ...EXPECTED, 'test_twin.py::test_same': 'passed' };
    assert.deepStrictEqual(outcomes(json), expected);
    assert.deepStrictEqual(json.unmatched, []);
  });

  it('merges the reports of two shards of the fixture, as CI writes them from the repository root', async () => {
    const shard = (k: string, out: string) =>
      pytestJUnit(
        fixture,
        ['-c', FIXTURE_INI, 'backend/oracles/tests/integration', '-k', k],
        join(fixture, out),
        {
          FAIL_ON_DEMAND: '1',
        },
      );
    const one = shard(`(${NO_DJANGO}) and test_deploy`, 'shard-1.xml');
    const two = shard(`(${NO_DJANGO}) and test_pynodes`, 'shard-2.xml');
    const { code, json } = await importJunit(fixture, [one, two]);
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(json.unmatched, []);
    assert.deepStrictEqual(outcomes(json), {
      'test_deploy.py::test_model_sizes[s]': 'passed',
      'test_deploy.py::test_model_sizes[m]': 'passed',
      'test_deploy.py::test_model_sizes[l]': 'passed',
      'test_deploy.py::test_add[1-2]': 'passed',
      'test_deploy.py::test_add[3-4]': 'passed',
      'test_deploy.py::test_gpu_deploy': 'skipped',
      'test_deploy.py::test_pynode_restart': 'skipped',
      'test_deploy.py::test_fails_on_demand': 'failed',
      'test_deploy.py::test_prints_output': 'passed',
      'test_pynodes.py::test_unique_names_differ': 'passed',
    });
    const failed = json.results.find((r) => r.outcome === 'failed')!;
    assert.match(failed.message, /FAIL_ON_DEMAND is set/);
    assert.strictEqual(failed.line, 72);
  });

  it('says which file is not a report, and exits 1', async () => {
    const { code, json } = await importJunit(shapes, [
      join(shapes, 'README.md'),
      join(shapes, 'missing.xml'),
    ]);
    assert.strictEqual(code, 1);
    assert.strictEqual(json.problems.length, 2);
    assert.match(json.problems[0], /Cannot read .*missing\.xml|README\.md is not a JUnit XML report/);
  });
});
