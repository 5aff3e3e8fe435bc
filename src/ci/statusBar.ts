import * as vscode from 'vscode';
import { Commands } from '../ids';
import { describeConclusion, runDuration, runPhase, type WorkflowRun } from '../core/github/types';

/** What the CI status bar item shows. */
type CiStatus =
  | { kind: 'hidden' }
  | { kind: 'dispatching'; branch: string }
  | { kind: 'run'; run: WorkflowRun }
  | { kind: 'waiting'; run: WorkflowRun | undefined; reason: string }
  | { kind: 'stopped'; run: WorkflowRun | undefined; message: string };

/** A status bar item that follows the triggered run: queued, in progress, then passed or failed. */
export class CiStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'codespaceTests.ci',
    vscode.StatusBarAlignment.Left,
    40,
  );
  /** Every text shown, oldest first (host tests read it to see the run being followed). */
  readonly shown: string[] = [];
  status: CiStatus = { kind: 'hidden' };

  constructor() {
    this.item.name = 'CI Run';
  }

  show(status: CiStatus): void {
    this.status = status;
    if (status.kind === 'hidden') {
      this.item.hide();
      return;
    }
    const { text, tooltip, url } = describe(status);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = url
      ? { title: 'Open CI Run', command: Commands.openCiRun, arguments: [url] }
      : undefined;
    this.item.backgroundColor =
      status.kind === 'run' && status.run.status === 'completed' && status.run.conclusion !== 'success'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : undefined;
    if (this.shown[this.shown.length - 1] !== text) this.shown.push(text);
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}

function describe(status: Exclude<CiStatus, { kind: 'hidden' }>): {
  text: string;
  tooltip: string;
  url?: string;
} {
  switch (status.kind) {
    case 'dispatching':
      return {
        text: `$(loading~spin) CI: dispatching ${status.branch}`,
        tooltip: `Asking GitHub to run the workflow on ${status.branch}`,
      };
    case 'run': {
      const r = status.run;
      const n = `#${r.run_number}`;
      const phase = runPhase(r);
      const took = runDuration(r);
      const text =
        phase === 'queued'
          ? `$(clock) CI ${n} queued`
          : phase === 'in_progress'
            ? `$(sync~spin) CI ${n} in progress`
            : r.conclusion === 'success'
              ? `$(pass) CI ${n} passed`
              : `$(error) CI ${n} ${describeConclusion(r.conclusion)}`;
      return {
        text,
        tooltip: `${r.display_title} on ${r.head_branch ?? '?'}${took ? ` (${took})` : ''}. Click to open the run.`,
        url: r.html_url,
      };
    }
    case 'waiting':
      return {
        text: `$(watch) CI ${status.run ? `#${status.run.run_number} ` : ''}${status.reason}`,
        tooltip: 'Polling paused; it resumes on its own.',
        url: status.run?.html_url,
      };
    case 'stopped':
      return {
        text: `$(warning) CI ${status.run ? `#${status.run.run_number} ` : ''}not followed`,
        tooltip: status.message,
        url: status.run?.html_url,
      };
  }
}
