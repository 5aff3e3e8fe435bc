import { relative } from 'node:path';
import { finishCoverageRun, removeCoverageRun, type CoverageRun } from '../core/coverage/coverageRun';
import { coverageSummary } from '../core/coverage/report';
import { toPosix } from '../core/pytest/discovery';
import type { TestPython } from '../core/testPython';

/** --coverage after the run: the data combined, the files written, the summary for stdout or stderr. */
export async function coverageOfRun(
  covering: { run: CoverageRun; python: TestPython },
  workspace: string,
  outDir: string,
): Promise<{ json: unknown; lines: string[] }> {
  const result = await finishCoverageRun(covering.run, covering.python, {
    cwd: workspace,
    outDir,
    lcov: true,
  });
  await removeCoverageRun(covering.run);
  if (result.kind === 'failed')
    return { json: { problem: result.problem }, lines: [`Coverage: ${result.problem}`] };
  const files = coverageSummary(result.report, (p) => toPosix(relative(workspace, p)));
  const covered = files.reduce((n, f) => n + f.covered, 0);
  const total = files.reduce((n, f) => n + f.total, 0);
  return {
    json: { files, json: result.json, lcov: result.lcov },
    lines: [
      `Coverage: ${covered} of ${total} lines in ${files.length} files; coverage.json and coverage.lcov in ${outDir}`,
      ...files.map((f) => `  ${f.file}: ${f.covered}/${f.total}`),
    ],
  };
}
