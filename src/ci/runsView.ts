import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { Logger } from '../core/logger';
import { GitHubApiError } from '../core/github/errors';
import { runDuration, runPhase, type WorkflowRun } from '../core/github/types';
import type { GitHubTokens } from './auth';
import { githubClientFor, resolveTarget } from './target';

type RunsNode =
  | { kind: 'group'; label: string; branch: string; runs: WorkflowRun[] }
  | { kind: 'run'; run: WorkflowRun }
  | { kind: 'empty'; label: string };

/** What the view holds after its last load (host tests read it). */
export type RunsState =
  | { kind: 'notLoaded' }
  | { kind: 'loading' }
  | {
      kind: 'loaded';
      groups: { label: string; branch: string; runs: WorkflowRun[] }[];
      at: Date;
      defaultBranch?: string;
    }
  | { kind: 'unavailable'; message: string };

/** "CI Runs": recent runs of the workflow on this branch and on the default branch (the scheduled runs). */
export class CiRunsView implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<RunsState>();
  /** Fires after each load from GitHub (the offer of a failed scheduled run's results listens). */
  readonly onDidLoad = this.loaded.event;
  private readonly view: vscode.TreeView<RunsNode>;
  state: RunsState = { kind: 'notLoaded' };
  private loading: Promise<void> | undefined;

  constructor(
    viewId: string,
    private readonly logger: Logger,
    private readonly tokens: GitHubTokens,
  ) {
    this.view = vscode.window.createTreeView(viewId, { treeDataProvider: this, showCollapseAll: false });
  }

  /** Whether the view is open in the workbench. */
  get visible(): boolean {
    return this.view.visible;
  }

  /** Reloads from GitHub; resolves when the view holds the new runs. */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    this.state = { kind: 'loading' };
    this.view.message = 'Loading CI runs…';
    this.changed.fire(undefined);
    try {
      this.state = await this.fetch();
    } catch (e) {
      const message =
        e instanceof GitHubApiError ? e.failure.message : `Could not load CI runs: ${(e as Error).message}`;
      this.state = { kind: 'unavailable', message };
    }
    this.view.message = this.state.kind === 'unavailable' ? this.state.message : undefined;
    this.changed.fire(undefined);
    this.loaded.fire(this.state);
  }

  private async fetch(): Promise<RunsState> {
    const resolved = await resolveTarget(this.logger, { fetch: false });
    if (resolved.kind === 'refused') return { kind: 'unavailable', message: resolved.reason };
    const t = resolved.target;
    // Nothing is sent for a remote that is not GitHub: resolveTarget refused it above.
    const token = await this.tokens.resolve(t.destination, { interactive: false });
    if (!token)
      return {
        kind: 'unavailable',
        message: t.destination.custom
          ? `Run "Codespace Tests: Set GitHub Token…" to see CI runs (only that token goes to ${t.destination.apiBaseUrl}).`
          : 'Sign in to GitHub (run "Trigger CI on Branch"), or run "Codespace Tests: Set GitHub Token…", to see CI runs.',
      };
    const client = githubClientFor(t, token, this.logger);
    const branch = t.git.upstream?.branch ?? t.git.branch;
    const defaultBranch = (await client.getRepository()).defaultBranch;
    const groups = [
      {
        label: `This branch: ${branch}`,
        branch,
        runs: await client.listRuns(t.workflow, { branch, perPage: 10 }),
      },
    ];
    if (defaultBranch !== branch) {
      groups.push({
        label: `Default branch: ${defaultBranch}`,
        branch: defaultBranch,
        runs: await client.listRuns(t.workflow, { branch: defaultBranch, perPage: 10 }),
      });
    }
    return { kind: 'loaded', groups, at: new Date(), defaultBranch };
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      if (this.state.kind === 'notLoaded') void this.refresh();
      return this.state.kind === 'loaded' ? this.state.groups.map((g) => ({ kind: 'group', ...g })) : [];
    }
    if (node.kind !== 'group') return [];
    return node.runs.length
      ? node.runs.map((run) => ({ kind: 'run', run }))
      : [{ kind: 'empty', label: 'No runs yet' }];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.branch}`;
        item.iconPath = new vscode.ThemeIcon('git-branch');
        return item;
      }
      case 'empty':
        return new vscode.TreeItem(node.label);
      case 'run': {
        const r = node.run;
        const item = new vscode.TreeItem(`#${r.run_number} ${r.display_title}`);
        item.id = `run:${r.id}`;
        const status =
          runPhase(r) === 'completed' ? (r.conclusion ?? 'completed') : runPhase(r).replace('_', ' ');
        const took = runDuration(r);
        item.description = [status, took, r.event === 'schedule' ? 'scheduled' : r.event.replace('_', ' ')]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = `${r.display_title} #${r.run_number} on ${r.head_branch ?? '?'}\n${status}${took ? ` in ${took}` : ''}\nstarted ${new Date(r.created_at).toLocaleString()}\n${r.html_url}`;
        item.iconPath = iconFor(r);
        item.contextValue = 'ciRun';
        item.command = { title: 'Open CI Run', command: Commands.openCiRun, arguments: [r.html_url] };
        return item;
      }
    }
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
    this.loaded.dispose();
  }
}

function iconFor(r: WorkflowRun): vscode.ThemeIcon {
  const phase = runPhase(r);
  if (phase === 'queued') return new vscode.ThemeIcon('clock');
  if (phase === 'in_progress') return new vscode.ThemeIcon('sync~spin');
  if (r.conclusion === 'success')
    return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (r.conclusion === 'skipped' || r.conclusion === 'cancelled' || r.conclusion === 'neutral')
    return new vscode.ThemeIcon('circle-slash');
  return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
}
