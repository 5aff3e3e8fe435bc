// Mapping a CI run's JUnit report onto the tree: 5,000 testcases (classes, parametrized cases, failures with
// tracebacks) read and mapped to node ids. Target: under 200 ms, so "Show Results of CI Run" feels immediate.
import { importReports } from '../../src/core/junit/import';
import type { TreeFile } from '../../src/core/junit/nodeMap';
import type { TestNode } from '../../src/core/pytest/staticReader';
import { finish, report, timeIt } from './support';

const FILES = 50;
const ROOTDIR = '/repo/backend/oracles/tests/integration';

/** 50 files, each: 20 module functions, a class of 20 methods, and 20 functions of 3 cases (100 testcases). */
function corpus(): { files: TreeFile[]; xml: string } {
  const files: TreeFile[] = [];
  const cases: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const fileId = `area_${f % 5}/test_file_${f}.py`;
    const module = fileId.replace(/\//g, '.').replace(/\.py$/, '');
    const fn = (nodeid: string, children: TestNode[] = []): TestNode => ({
      kind: 'function',
      name: nodeid.split('::').pop()!,
      nodeid,
      children,
    });
    const tests: TestNode[] = [];
    const methods: TestNode[] = [];
    for (let t = 0; t < 20; t++) {
      tests.push(fn(`${fileId}::test_plain_${t}`));
      cases.push(`<testcase classname="${module}" name="test_plain_${t}" time="0.01"/>`);
      methods.push(fn(`${fileId}::TestGroup::test_method_${t}`));
      cases.push(
        t % 7 === 0
          ? `<testcase classname="${module}.TestGroup" name="test_method_${t}" time="0.2"><failure message="assert 1 == 2">${fileId}:${t + 10}: in test_method_${t}\n    assert 1 == 2\nE   assert 1 == 2\n${fileId}:${t + 10}: AssertionError</failure></testcase>`
          : `<testcase classname="${module}.TestGroup" name="test_method_${t}" time="0.01"/>`,
      );
      const params = ['small', 'with space', 'caf\\xe9'].map((p) => fn(`${fileId}::test_param_${t}[${p}]`));
      tests.push({
        kind: 'function',
        name: `test_param_${t}`,
        nodeid: `${fileId}::test_param_${t}`,
        children: params,
      });
      for (const p of ['small', 'with space', 'caf\\xe9'])
        cases.push(`<testcase classname="${module}" name="test_param_${t}[${p}]" time="0.01"/>`);
    }
    tests.push({ kind: 'class', name: 'TestGroup', nodeid: `${fileId}::TestGroup`, children: methods });
    files.push({
      path: `${ROOTDIR}/${fileId}`,
      rootdir: ROOTDIR,
      fileId,
      repoPath: `backend/oracles/tests/integration/${fileId}`,
      tests,
    });
  }
  const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" tests="${cases.length}">${cases.join('')}</testsuite></testsuites>`;
  return { files, xml };
}

async function main(): Promise<void> {
  const { files, xml } = corpus();
  let mapped = 0;
  let unmatched = 0;
  const ms = await timeIt(() => {
    const r = importReports(files, [{ source: 'junit.xml', xml }]);
    mapped = r.results.length;
    unmatched = r.unmatched.length;
  }, 5);
  const target = 200;
  console.log(
    `report: ${(xml.length / 1024).toFixed(0)} KB, ${mapped} testcases mapped, ${unmatched} unmatched`,
  );
  finish([
    report('testcases mapped', `${mapped} of 5000`, mapped === 5000 && unmatched === 0),
    report(
      'JUnit report of 5,000 testcases read and mapped onto the tree',
      `${ms.toFixed(1)} ms = ${(ms / target).toFixed(2)}x the target (< ${target} ms)`,
      ms < target,
    ),
  ]);
}

void main();
