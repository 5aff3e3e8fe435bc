import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { prepareWorkflow } from '../core/ci/prepareWorkflow';
import type { Logger } from '../core/logger';
import { workflowPathOf } from './target';

/** How *Prepare the Workflow for Test Results* ended; the host tests read it. */
export type PrepareOutcome =
  | { kind: 'written'; path: string; changes: string[] }
  | { kind: 'cancelled'; path: string }
  | { kind: 'unchanged'; path: string; reason: string }
  | { kind: 'refused'; reason: string };

/** The host tests answer both questions (a modal cannot be clicked there); the diff still opens. */
export interface PrepareAnswers {
  shards: boolean;
  accept: boolean;
}

/** The proposed workflow, shown read-only on the right of the diff. */
export const PROPOSED_SCHEME = 'codespace-tests-proposed';

export class ProposedWorkflows implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * Proposes the change that makes the folder's workflow give test results (a tests input, a JUnit report and
 * its upload, optionally a shard matrix) as a diff, and writes it only when the person accepts.
 */
export async function prepareWorkflowFile(
  deps: { logger: Logger; proposed: ProposedWorkflows },
  answers?: PrepareAnswers,
): Promise<PrepareOutcome> {
  const folder = pickFolder();
  if (!folder)
    return refuse(deps.logger, 'No folder is open. Open the repository whose workflow runs the tests.');
  const path = workflowPathOf(folder);
  const file = vscode.Uri.file(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return refuse(
      deps.logger,
      `No workflow file at ${path}. Set \`codespaceTests.ci.workflow\` to the workflow that runs the tests.`,
    );
  }
  const shards = answers ? answers.shards : await askShards();
  if (shards === undefined) return { kind: 'cancelled', path };
  const prepared = prepareWorkflow(text, { shards });
  if (prepared.kind === 'refused') return refuse(deps.logger, prepared.reason);
  if (prepared.kind === 'unchanged') {
    void vscode.window.showInformationMessage(prepared.reason);
    return { kind: 'unchanged', path, reason: prepared.reason };
  }
  const proposed = vscode.Uri.from({
    scheme: PROPOSED_SCHEME,
    path: `/${vscode.workspace.asRelativePath(file)}`,
  });
  deps.proposed.set(proposed, prepared.text);
  const name = vscode.workspace.asRelativePath(file);
  await vscode.commands.executeCommand('vscode.diff', file, proposed, `${name} ↔ Prepared for Test Results`, {
    preview: true,
  });
  const accepted = answers
    ? answers.accept
    : (await vscode.window.showInformationMessage(
        `Change ${name}?`,
        {
          modal: true,
          detail: `The diff shows it: ${prepared.changes.join('; ')}. Nothing is written unless you accept.`,
        },
        'Accept',
      )) === 'Accept';
  if (!accepted) return { kind: 'cancelled', path };
  // The file may have changed while the diff was open: the proposal is of the text read above.
  if ((await readFile(path, 'utf8').catch(() => '')) !== text)
    return refuse(deps.logger, `${name} changed while the diff was open. Run Prepare the Workflow again.`);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === path);
  if (open?.isDirty)
    return refuse(deps.logger, `${name} has unsaved changes. Save or revert them, then prepare again.`);
  await vscode.workspace.fs.writeFile(file, Buffer.from(prepared.text, 'utf8'));
  deps.logger.info(`Prepared ${path}: ${prepared.changes.join('; ')}`);
  void vscode.window.showInformationMessage(
    `${name} is prepared. Commit and push it: GitHub reads workflow_dispatch inputs from the default branch's file, so merge it there before Run on CI uses them.`,
  );
  return { kind: 'written', path, changes: prepared.changes };
}

function pickFolder(): vscode.WorkspaceFolder | undefined {
  const editor = vscode.window.activeTextEditor;
  return (
    (editor && vscode.workspace.getWorkspaceFolder(editor.document.uri)) ??
    vscode.workspace.workspaceFolders?.[0]
  );
}

async function askShards(): Promise<boolean | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Tests input, JUnit report and its upload', shards: false },
      {
        label: 'The same, and a shard matrix',
        description: 'Run on CI over several runners (codespaceTests.ci.shards)',
        shards: true,
      },
    ],
    { title: 'Prepare the Workflow for Test Results' },
  );
  return picked?.shards;
}

function refuse(logger: Logger, reason: string): PrepareOutcome {
  logger.warn(`Prepare the Workflow: ${reason}`);
  void vscode.window.showErrorMessage(reason);
  return { kind: 'refused', reason };
}
