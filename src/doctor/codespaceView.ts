import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { CheckResult, CheckStatus } from '../core/doctor/types';

/** A row: a check, or the fix under a check that is not ok. */
export type CodespaceNode =
  { kind: 'check'; check: CheckResult } | { kind: 'fix'; check: CheckResult } | { kind: 'checking' };

/** What the view shows (host tests read it). */
type CodespaceState =
  | { kind: 'notRun' }
  /** `previous`: the last results, shown until the new ones arrive (an empty tree would flash the welcome text). */
  | { kind: 'running'; previous?: CheckResult[] }
  | { kind: 'done'; checks: CheckResult[]; at: Date };

const ICONS: Record<CheckStatus, vscode.ThemeIcon> = {
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  warn: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  fail: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  skip: new vscode.ThemeIcon('circle-slash'),
};

/** "Codespace": one row per check with its icon, the fix under each problem, and a re-run button. */
export class CodespaceView implements vscode.TreeDataProvider<CodespaceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CodespaceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<CodespaceNode>;
  state: CodespaceState = { kind: 'notRun' };

  constructor(viewId: string) {
    this.view = vscode.window.createTreeView(viewId, { treeDataProvider: this, showCollapseAll: false });
  }

  show(state: CodespaceState): void {
    this.state = state;
    const problems = state.kind === 'done' ? state.checks.filter((c) => c.status === 'fail').length : 0;
    this.view.badge = problems
      ? { value: problems, tooltip: `${problems} check${problems === 1 ? '' : 's'} failed` }
      : undefined;
    this.view.message = state.kind === 'running' ? 'Checking the codespace…' : undefined;
    this.changed.fire(undefined);
  }

  getChildren(node?: CodespaceNode): CodespaceNode[] {
    const checks =
      this.state.kind === 'done'
        ? this.state.checks
        : this.state.kind === 'running'
          ? this.state.previous
          : undefined;
    if (!node) {
      if (checks) return checks.map((check) => ({ kind: 'check', check }));
      return this.state.kind === 'running' ? [{ kind: 'checking' }] : [];
    }
    return node.kind === 'check' && hasFix(node.check) ? [{ kind: 'fix', check: node.check }] : [];
  }

  getTreeItem(node: CodespaceNode): vscode.TreeItem {
    if (node.kind === 'checking') {
      const item = new vscode.TreeItem('Checking the codespace…');
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      return item;
    }
    const c = node.check;
    if (node.kind === 'fix') {
      const item = new vscode.TreeItem(`Fix: ${c.fix!.text}`, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(c.fix!.command ? 'wrench' : 'info');
      item.tooltip = c.fix!.text;
      if (c.fix!.command) {
        item.command = { command: Commands.applyCodespaceFix, title: 'Fix', arguments: [node] };
        item.contextValue = 'codespaceFix';
      }
      return item;
    }
    const item = new vscode.TreeItem(
      c.title,
      hasFix(c) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = c.id;
    item.description = c.message;
    item.iconPath = ICONS[c.status];
    const tooltip = new vscode.MarkdownString(`**${c.title}**: ${c.status}\n\n`);
    tooltip.appendText(c.message);
    if (c.fix && c.status !== 'ok') tooltip.appendMarkdown('\n\n**Fix:** ').appendText(c.fix.text);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${c.title}, ${c.status}: ${c.message}` };
    item.contextValue = hasFix(c) && c.fix!.command ? 'codespaceCheck.fixable' : 'codespaceCheck';
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}

function hasFix(c: CheckResult): boolean {
  return !!c.fix && c.status !== 'ok';
}
