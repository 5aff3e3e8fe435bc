import * as vscode from 'vscode';
import { Commands } from '../ids';
import { describePod, type PodSummary } from '../core/kube/pods';
import type { PodWatch, PodWatchState } from '../core/kube/podWatch';
import type { ClusterSession } from './clusterSession';

export type PodNode = { kind: 'namespace'; watch: PodWatch } | { kind: 'pod'; pod: PodSummary };

/**
 * The Pods view: pods of the configured namespaces with phase, readiness and restarts, redrawn
 * when the watch reports a change (debounced, so a burst of events is one redraw).
 */
export class PodsView implements vscode.TreeDataProvider<PodNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PodNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<PodNode>;
  private timer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    viewId: string,
    private readonly session: ClusterSession,
  ) {
    this.view = vscode.window.createTreeView(viewId, { treeDataProvider: this, showCollapseAll: false });
    this.subs.push(
      this.view,
      session.onDidChange(() => this.refreshSoon()),
    );
  }

  private refreshSoon(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.updateMessage();
      this.changed.fire(undefined);
    }, 100);
  }

  private updateMessage(): void {
    const c = this.session.config;
    if (c.kind !== 'ready') {
      this.view.message = c.message;
      return;
    }
    const problems = this.session
      .namespaces()
      .filter((w) => 'message' in w.state)
      .map((w) => (w.state as { message: string }).message);
    this.view.message = problems.length ? problems.join('\n') : undefined;
  }

  getChildren(node?: PodNode): PodNode[] {
    if (this.session.config.kind !== 'ready') return [];
    const watches = this.session.namespaces();
    if (!node) {
      if (watches.length === 1) return watches[0].list().map((pod) => ({ kind: 'pod', pod }));
      return watches.map((watch) => ({ kind: 'namespace', watch }));
    }
    return node.kind === 'namespace' ? node.watch.list().map((pod) => ({ kind: 'pod', pod })) : [];
  }

  getTreeItem(node: PodNode): vscode.TreeItem {
    if (node.kind === 'namespace') {
      const item = new vscode.TreeItem(node.watch.namespace, vscode.TreeItemCollapsibleState.Expanded);
      item.description = describeState(node.watch.state, node.watch.list().length);
      item.iconPath = new vscode.ThemeIcon('symbol-namespace');
      item.contextValue = 'namespace';
      return item;
    }
    const p = node.pod;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${p.namespace}/${p.name}`;
    item.description = describePod(p);
    item.tooltip = new vscode.MarkdownString(
      `**${p.name}** in \`${p.namespace}\`\n\n${describePod(p)}\n\nContainers: ${p.containers.map((c) => `\`${c}\``).join(', ')}\n\nClick to follow its logs.`,
    );
    item.iconPath = podIcon(p);
    item.contextValue = 'pod';
    item.command = { command: Commands.followPodLogs, title: 'Follow Pod Logs', arguments: [node] };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

function describeState(s: PodWatchState, pods: number): string {
  switch (s.kind) {
    case 'live':
      return `${pods} pod${pods === 1 ? '' : 's'}`;
    case 'retrying':
      return 'unreachable, retrying';
    case 'denied':
      return 'access denied';
    case 'namespaceMissing':
      return 'namespace does not exist';
    default:
      return s.kind;
  }
}

function podIcon(p: PodSummary): vscode.ThemeIcon {
  if (p.terminating) return new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground'));
  if (p.phase === 'Running' && p.ready === p.total)
    return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  if (p.phase === 'Failed') return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  if (p.phase === 'Succeeded') return new vscode.ThemeIcon('check');
  return new vscode.ThemeIcon('loading~spin');
}
