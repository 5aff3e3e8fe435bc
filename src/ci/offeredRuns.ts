import type * as vscode from 'vscode';
import type { WorkflowRun } from '../core/github/types';

/** Failed scheduled runs already told (the CI Runs view's offer and the watch share it: one notice per run). */
const OFFERED_KEY = 'codespaceTests.ci.offeredRuns';

/** Marks the run as told; false when it had been told before (in this workspace, any window). */
export async function markOffered(memento: vscode.Memento, run: Pick<WorkflowRun, 'id'>): Promise<boolean> {
  const offered = memento.get<number[]>(OFFERED_KEY, []);
  if (offered.includes(run.id)) return false;
  await memento.update(OFFERED_KEY, [run.id, ...offered].slice(0, 50));
  return true;
}

export function wasOffered(memento: vscode.Memento, run: Pick<WorkflowRun, 'id'>): boolean {
  return memento.get<number[]>(OFFERED_KEY, []).includes(run.id);
}
