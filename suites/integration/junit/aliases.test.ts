// Tests made by assignment (`test_alias = test_original`) and imported from a helper module, run by real
// pytest: import-junit maps its report onto the tree, the static read knowing the assignments and the
// collection (--collect) knowing the rest, as the Testing view's tree does after collection.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support';
import { importJunit, pytestJUnit, pytestNodeIds, type ImportJson } from './junitReports';

const DIR = 'svc/tests/integration';

describe('import-junit: tests made by assignment', function () {
  this.timeout(120_000);
  let ws: string;
  let report: string;
  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'cit-aliases-'));
    mkdirSync(join(ws, DIR), { recursive: true });
    writeFileSync(join(ws, DIR, 'pytest.ini'), '[pytest]\n');
    writeFileSync(join(ws, DIR, 'shared_checks.py'), 'def test_shared_check():\n    assert True\n');
    writeFileSync(
      join(ws, DIR, 'test_aliases.py'),
      [
        'import pytest',
        'from shared_checks import test_shared_check  # collected here too',
        '',
        'def test_original():',
        '    assert True',
        '',
        'test_alias = test_original',
        '',
        '@pytest.mark.parametrize("n", [1, 2])',
        'def test_param(n):',
        '    assert n == 1',
        '',
        'test_param_again = test_param',
        '',
        'class TestGroup:',
        '    def test_method(self):',
        '        assert False, "boom"',
        '',
        '    test_method_alias = test_method',
        '',
      ].join('\n'),
    );
    report = pytestJUnit(ws, ['-c', `${DIR}/pytest.ini`, DIR], join(ws, 'r.xml'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  const outcomes = (j: ImportJson) => Object.fromEntries(j.results.map((r) => [r.nodeid, r.outcome]));

  it('the static read maps every testcase made by assignment; only the imported test waits for collection', async () => {
    const { code, json } = await importJunit(ws, [report]);
    assert.equal(code, 0);
    const collected = pytestNodeIds(ws, ['-c', `${DIR}/pytest.ini`, DIR]);
    const assigned = collected.filter((id) => !id.includes('test_shared_check'));
    assert.deepEqual(Object.keys(outcomes(json)).sort(), assigned.sort());
    assert.equal(outcomes(json)['test_aliases.py::test_alias'], 'passed');
    assert.equal(outcomes(json)['test_aliases.py::test_param_again[2]'], 'failed');
    assert.equal(outcomes(json)['test_aliases.py::TestGroup::test_method_alias'], 'failed');
    assert.deepEqual(
      json.unmatched.map((u) => u.name),
      ['test_shared_check'],
    );
  });

  it('--collect: merged with pytest --collect-only, every testcase maps, none unmatched', async () => {
    const { code, stdout, stderr } = await runCli([
      'import-junit',
      '--json',
      '--collect',
      '--workspace',
      ws,
      report,
    ]);
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout) as ImportJson;
    assert.deepEqual(json.unmatched, []);
    const collected = pytestNodeIds(ws, ['-c', `${DIR}/pytest.ini`, DIR]);
    assert.deepEqual(Object.keys(outcomes(json)).sort(), [...collected].sort());
    assert.equal(outcomes(json)['test_aliases.py::test_shared_check'], 'passed');
  });
});
