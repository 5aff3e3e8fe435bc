import * as assert from 'node:assert';
import { fileErrorOf, reconcile, rootdirCollection } from '../../../src/core/pytest/reconcile';
import type { DiscoveredFile } from '../../../src/core/pytest/discovery';

// The merge the Testing view and `discover --collect` share: pure, so checked here without pytest.
describe('reconcile: the static read merged with pytest collection', () => {
  const ini = '/ws/tests/pytest.ini';
  const rootdir = '/ws/tests';
  const file = (name: string, tests: DiscoveredFile['tests'], problem?: string): DiscoveredFile => ({
    path: `${rootdir}/${name}`,
    ini,
    rootdir,
    fileId: name,
    tests,
    ...(problem ? { problem } : {}),
  });
  const fn = (fileId: string, name: string, line: number) => ({
    kind: 'function' as const,
    name,
    nodeid: `${fileId}::${name}`,
    range: { start: line, end: line },
    children: [],
  });
  const staticFiles = [
    file('test_a.py', [fn('test_a.py', 'test_one', 3), fn('test_a.py', 'test_gone', 9)]),
    file('test_b.py', [fn('test_b.py', 'test_two', 0)]),
    file('test_c.py', [fn('test_c.py', 'test_three', 1)]),
  ];
  const collection = rootdirCollection(
    {
      tests: [
        {
          nodeid: 'test_a.py::test_one',
          file: `${rootdir}/test_a.py`,
          line: 4,
          name: 'test_one',
          parametrized: false,
        },
        {
          nodeid: 'test_a.py::test_p[x]',
          file: `${rootdir}/test_a.py`,
          line: 20,
          name: 'test_p[x]',
          parametrized: true,
        },
        {
          nodeid: 'gen/test_hook.py::test_made',
          file: `${rootdir}/gen/test_hook.py`,
          line: null,
          name: 'test_made',
          parametrized: false,
        },
        {
          nodeid: 'other.py::test_x',
          file: `${rootdir}/other.py`,
          line: 1,
          name: 'test_x',
          parametrized: false,
        },
      ],
      errors: [
        {
          nodeid: 'test_b.py',
          file: `${rootdir}/test_b.py`,
          line: 5,
          message:
            '/usr/lib/python3/dist-packages/_pytest/python.py:618: in _importtestmodule\nE   SyntaxError: bad',
          summary: "SyntaxError: '(' was never closed",
        },
      ],
    },
    staticFiles,
  );
  const merged = reconcile({
    workspace: '/ws',
    include: '**/test_*.py',
    files: staticFiles,
    collections: new Map([[ini, collection]]),
  });
  const byId = new Map(merged.map((v) => [v.fileId, v]));

  it("takes pytest's tests, keeping the static ranges where both know a test", () => {
    const a = byId.get('test_a.py')!;
    assert.deepStrictEqual(
      a.tests.map((t) => [t.nodeid, t.range?.start]),
      [
        ['test_a.py::test_one', 3],
        ['test_a.py::test_p', 19],
      ],
    );
    assert.strictEqual(a.tests[1].children[0].nodeid, 'test_a.py::test_p[x]');
  });

  it("puts a collection error on its file, at the line in that file, with pytest's one-line summary", () => {
    const b = byId.get('test_b.py')!;
    assert.strictEqual(b.error?.line, 5);
    assert.strictEqual(b.error?.summary, "SyntaxError: '(' was never closed");
    assert.match(b.error!.message, /^test_b\.py, line 5: SyntaxError: '\(' was never closed/);
    assert.deepStrictEqual(
      b.tests.map((t) => t.nodeid),
      ['test_b.py::test_two'],
      'the static read stays visible',
    );
  });

  it('drops a file pytest collected nothing from, adds files only pytest knows, skips excluded .py files', () => {
    assert.ok(!byId.has('test_c.py'));
    assert.ok(byId.has('gen/test_hook.py'));
    assert.ok(!byId.has('other.py'));
    assert.deepStrictEqual(
      merged.map((v) => v.fileId),
      ['gen/test_hook.py', 'test_a.py', 'test_b.py'],
    );
  });

  it('keeps the static read for files the collection has not seen yet (stale)', () => {
    const stale = reconcile({
      workspace: '/ws',
      include: '**/test_*.py',
      files: staticFiles,
      collections: new Map([[ini, collection]]),
      fresh: (f) => f.fileId !== 'test_b.py',
    });
    const b = stale.find((v) => v.fileId === 'test_b.py')!;
    assert.strictEqual(b.error, undefined);
  });

  it('drops the error of a file that is gone from the static read (deleted since the collection)', () => {
    const after = reconcile({
      workspace: '/ws',
      include: '**/test_*.py',
      files: staticFiles.filter((f) => f.fileId !== 'test_b.py'),
      collections: new Map([[ini, collection]]),
    });
    assert.ok(!after.some((v) => v.fileId === 'test_b.py'));
  });

  it('drops a file deleted since the static read once a fresh collection no longer has it', () => {
    const gone = { ...file('test_c.py', [], 'Cannot read /ws/tests/test_c.py: ENOENT') };
    const views = reconcile({
      workspace: '/ws',
      include: '**/test_*.py',
      files: [gone],
      collections: new Map([[ini, collection]]),
    });
    assert.deepStrictEqual(
      views.map((v) => v.fileId),
      ['gen/test_hook.py', 'test_a.py'],
    );
  });

  it("does not bring back a file deleted after the collection was taken, from pytest's older view", () => {
    const withoutA = staticFiles.filter((f) => f.fileId !== 'test_a.py');
    const input = {
      workspace: '/ws',
      include: '**/test_*.py',
      files: withoutA,
      collections: new Map([[ini, collection]]),
    };
    const deletedSince = reconcile({ ...input, removedSince: (path) => path === `${rootdir}/test_a.py` });
    assert.deepStrictEqual(
      deletedSince.map((v) => v.fileId),
      ['gen/test_hook.py', 'test_b.py'],
    );
    // Not removed since (pytest knows it and the static read never did): pytest's view shows it.
    const neverRead = reconcile({ ...input, removedSince: () => false });
    assert.ok(neverRead.some((v) => v.fileId === 'test_a.py'));
  });

  it('never gives a line that belongs to another file', () => {
    const e = fileErrorOf(
      { nodeid: 'test_b.py', file: '/elsewhere/helpers.py', line: 2, message: 'E   ImportError: x' },
      `${rootdir}/test_b.py`,
    );
    assert.strictEqual(e.line, null);
    assert.strictEqual(e.summary, 'E   ImportError: x');
    assert.match(e.message, /^test_b\.py could not be imported: /);
  });
});
