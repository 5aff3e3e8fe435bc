import * as vscode from 'vscode';
import { loadDetailedCoverage, loadDetailedCoverageForTest } from './coverage';
import type { TestRunner } from './testRunner';

/**
 * The Coverage profile (beside Run, Debug and Run on CI): the selected tests under coverage.py, in pytest and in
 * the Django that serves them, shown in VS Code's coverage UI; "which tests cover this line" where VS Code offers
 * per-test coverage (loadDetailedCoverageForTest, FileCoverage.includesTests), the whole run's elsewhere.
 */
export function registerCoverageProfile(
  controller: vscode.TestController,
  runner: TestRunner,
): vscode.TestRunProfile {
  const profile = controller.createRunProfile(
    'Coverage',
    vscode.TestRunProfileKind.Coverage,
    (request, token) => runner.run(request, token, { coverage: true }).then(() => undefined),
    true,
  );
  profile.loadDetailedCoverage = async (_run, file) => loadDetailedCoverage(file);
  profile.loadDetailedCoverageForTest = async (_run, file, item) => loadDetailedCoverageForTest(file, item);
  return profile;
}
