import * as assert from 'node:assert';
import {
  coverageSummary,
  linesOfTest,
  parseCoverageJson,
  testsCovering,
} from '../../../src/core/coverage/report';
import { coverageRc } from '../../../src/core/coverage/coverageRun';
import { testPythonOf } from '../../../src/core/testPython';

/** The shape `coverage json --show-contexts` writes with branch coverage (coverage.py 6.5 and 7). */
const REPORT = JSON.stringify({
  meta: { version: '6.5.0', branch_coverage: true, show_contexts: true },
  files: {
    'backend/applications/views.py': {
      executed_lines: [1, 3, 5, 6],
      missing_lines: [8],
      excluded_lines: [],
      summary: { covered_lines: 4, num_statements: 5, num_branches: 2, covered_branches: 1 },
      executed_branches: [[5, 6]],
      missing_branches: [[5, -4]],
      contexts: { '1': [''], '3': ['t.py::a', 't.py::b'], '5': ['t.py::b'], '6': ['t.py::b'] },
    },
    '/abs/elsewhere.py': {
      executed_lines: [2],
      missing_lines: [],
      summary: { covered_lines: 1, num_statements: 1 },
    },
  },
});

describe('coverage: coverage.py JSON as per-file data', () => {
  const report = parseCoverageJson(REPORT, '/ws');
  const views = report.files.find((f) => f.path === '/ws/backend/applications/views.py')!;

  it('resolves paths from the folder the report ran in, keeps absolute ones', () => {
    assert.deepStrictEqual(
      report.files.map((f) => f.path),
      ['/abs/elsewhere.py', '/ws/backend/applications/views.py'],
    );
  });

  it('statements, branches (with the exit arc) and which tests ran each line; the empty context is not a test', () => {
    assert.deepStrictEqual(views.statements, { covered: 4, total: 5 });
    assert.deepStrictEqual(views.branches, { covered: 1, total: 2 });
    assert.deepStrictEqual(views.branchArcs, [
      { line: 5, to: -4, executed: false },
      { line: 5, to: 6, executed: true },
    ]);
    assert.strictEqual(report.byTest, true);
    assert.strictEqual(views.contexts.has(1), false);
    assert.deepStrictEqual(testsCovering(views), ['t.py::a', 't.py::b']);
    assert.deepStrictEqual(linesOfTest(views, 't.py::a'), [3]);
    assert.deepStrictEqual(linesOfTest(views, 't.py::b'), [3, 5, 6]);
  });

  it("the CLI's summary: lines covered and total per file", () => {
    assert.deepStrictEqual(
      coverageSummary(report, (p) => p.replace('/ws/', '')),
      [
        { file: '/abs/elsewhere.py', covered: 1, total: 1 },
        { file: 'backend/applications/views.py', covered: 4, total: 5, branches: { covered: 1, total: 2 } },
      ],
    );
  });

  it('a file that is not a coverage.py report is an error, not an empty report', () => {
    assert.throws(() => parseCoverageJson('{"results": []}', '/ws'), /not a coverage\.py JSON report/);
  });

  it('the rcfile measures the workspace with branches, a data file per process, saved on SIGTERM', () => {
    const rc = coverageRc('/ws', '/run/data/.coverage');
    for (const line of [
      'branch = True',
      'parallel = True',
      'source = /ws',
      'sigterm = True',
      'data_file = /run/data/.coverage',
    ])
      assert.ok(rc.includes(line), line);
  });

  it("coverage.py's Python: uv run python (the fix: uv add), or the interpreter of `-m pytest` (the fix: its pip)", () => {
    const uv = testPythonOf(
      { kind: 'uv', uv: '/bin/uv', words: ['uv', 'run', '--frozen', 'pytest'] },
      'python3',
    );
    assert.deepStrictEqual([uv.command, ...uv.args, uv.uv], ['uv', 'run', '--frozen', 'python', true]);
    const plain = testPythonOf(
      { kind: 'fallback', words: ['/venv/bin/python', '-m', 'pytest'], note: '' },
      'x',
    );
    assert.deepStrictEqual([plain.display, plain.uv], ['/venv/bin/python', false]);
  });
});
