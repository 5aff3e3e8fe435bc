import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { RunSummary } from '../../src/testing/testRunner';

export const VIEWS = 'backend/applications/views.py';

/** The 1-based line of the fixture's views.py holding `text`. */
export function viewLine(workspace: string, text: string): number {
  const i = readFileSync(join(workspace, VIEWS), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
}

/** What VS Code gets from the Coverage profile for views.py: the whole run's statements, and one test's. */
export async function viewsCoverage(
  api: ExtensionApi,
  summary: RunSummary,
  workspace: string,
  item: vscode.TestItem,
): Promise<{
  file: vscode.FileCoverage;
  hit: (line: number) => boolean | undefined;
  hitBy: (test: vscode.TestItem, line: number) => Promise<boolean | undefined>;
}> {
  assert.deepStrictEqual(summary.problems, [], summary.output.slice(-3000));
  const file = summary.coverage?.files.find((f) => f.uri.fsPath === join(workspace, VIEWS));
  assert.ok(file, `views.py in the coverage: ${summary.coverage?.files.map((f) => f.uri.fsPath).join(', ')}`);
  const profile = api.testExplorer.coverageProfileFor(item);
  assert.strictEqual(profile.kind, vscode.TestRunProfileKind.Coverage);
  const controller = api.testExplorer.folderTests()[0].controller;
  const run = controller.createTestRun(new vscode.TestRunRequest([item], undefined, profile), 'read', false);
  const token = new vscode.CancellationTokenSource().token;
  const at = (details: vscode.FileCoverageDetail[], line: number) => {
    const s = details.find(
      (d) => d instanceof vscode.StatementCoverage && (d.location as vscode.Position).line === line - 1,
    );
    return s === undefined ? undefined : Boolean(s.executed);
  };
  const whole = await profile.loadDetailedCoverage!(run, file, token);
  return {
    file,
    hit: (line) => at(whole, line),
    hitBy: async (test, line) => {
      assert.ok(profile.loadDetailedCoverageForTest, 'this VS Code offers per-test coverage');
      return at(await profile.loadDetailedCoverageForTest(run, file, test, token), line);
    },
  };
}
