import * as assert from 'node:assert';
import { junitMapper, type TreeFile } from '../../../src/core/junit/nodeMap';
import type { JUnitCase } from '../../../src/core/junit/report';
import type { TestNode } from '../../../src/core/pytest/staticReader';

const fn = (nodeid: string, children: TestNode[] = []): TestNode => ({
  kind: children.length ? 'class' : 'function',
  name: nodeid.split('::').pop()!,
  nodeid,
  children,
});

function file(rootdir: string, fileId: string, tests: TestNode[], repoPrefix: string): TreeFile {
  return { path: `/ws/${repoPrefix}${fileId}`, rootdir, fileId, repoPath: `${repoPrefix}${fileId}`, tests };
}

const tc = (classname: string, name: string, more: Partial<JUnitCase> = {}): JUnitCase => ({
  classname,
  name,
  outcome: 'passed',
  message: '',
  duration: 0.1,
  collectionError: false,
  source: 'r.xml',
  ...more,
});

const SVC = '/ws/svc';
const tree: TreeFile[] = [
  file(
    SVC,
    'test_a.py',
    [fn('test_a.py::TestK', [fn('test_a.py::TestK::test_m')]), fn('test_a.py::test_p')],
    'svc/',
  ),
  file(SVC, 'sub/test_b.py', [fn('sub/test_b.py::test_q')], 'svc/'),
  file('/ws/one', 'test_twin.py', [fn('test_twin.py::test_same')], 'one/'),
  file('/ws/two', 'test_twin.py', [fn('test_twin.py::test_same')], 'two/'),
];

describe('JUnit testcase to node id', () => {
  const map = junitMapper(tree);

  it('maps rootdir-relative classnames (the -c layout) and classes', () => {
    const { results, unmatched } = map([
      tc('test_a.TestK', 'test_m'),
      tc('test_a', 'test_p'),
      tc('sub.test_b', 'test_q'),
    ]);
    assert.deepStrictEqual(unmatched, []);
    assert.deepStrictEqual(
      results.map((r) => [r.rootdir, r.nodeid]),
      [
        [SVC, 'test_a.py::TestK::test_m'],
        [SVC, 'test_a.py::test_p'],
        [SVC, 'sub/test_b.py::test_q'],
      ],
    );
  });

  it('maps repository-relative classnames (a run with the repository as rootdir) to the same node', () => {
    const { results } = map([tc('svc.test_a.TestK', 'test_m')]);
    assert.deepStrictEqual(
      results.map((r) => r.nodeid),
      ['test_a.py::TestK::test_m'],
    );
  });

  it('gives a parametrized case of a known function its exact id, even when only pytest knew the ids', () => {
    const { results } = map([tc('test_a', 'test_p[a b/c::d]')]);
    assert.deepStrictEqual(
      results.map((r) => r.nodeid),
      ['test_a.py::test_p[a b/c::d]'],
    );
  });

  it('never guesses between two rootdirs that could have written the same classname', () => {
    const { results, unmatched } = map([tc('test_twin', 'test_same')]);
    assert.deepStrictEqual(results, []);
    assert.strictEqual(unmatched.length, 1);
    assert.match(unmatched[0].reason, /could be any of: \/ws\/one\/test_twin.py .*; \/ws\/two\/test_twin.py/);
  });

  it('says a test is not in the tree, and a classname no file has', () => {
    const { unmatched } = map([tc('test_a.TestK', 'test_gone'), tc('elsewhere.test_z', 'test_1')]);
    assert.match(
      unmatched[0].reason,
      /not in the workspace's tests \(\/ws\/svc\/test_a.py: no test_a.py::TestK::test_gone\)/,
    );
    assert.match(unmatched[1].reason, /no test file of the workspace has this classname/);
  });

  it('puts a collection error on the file', () => {
    const { results } = map([
      tc('', 'sub.test_b', { outcome: 'errored', collectionError: true, message: 'E' }),
    ]);
    assert.deepStrictEqual(
      results.map((r) => [r.nodeid, r.fileLevel, r.outcome]),
      [['sub/test_b.py', true, 'errored']],
    );
  });

  it('shows the worse outcome of a test reported twice (two shards), with both messages', () => {
    const { results } = map([
      tc('test_a', 'test_p', { outcome: 'passed', duration: 1 }),
      tc('test_a', 'test_p', { outcome: 'failed', message: 'boom', duration: 2 }),
    ]);
    assert.strictEqual(results.length, 1);
    assert.strictEqual(results[0].outcome, 'failed');
    assert.strictEqual(results[0].duration, 3);
  });

  it('takes the failing line from the traceback', () => {
    const { results } = map([
      tc('test_a', 'test_p', { outcome: 'failed', message: 'x\n\ntest_a.py:9: AssertionError' }),
    ]);
    assert.strictEqual(results[0].line, 9);
  });
});
