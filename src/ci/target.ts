import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import type { Logger } from '../core/logger';
import { readBranchState, type BranchState } from '../core/github/gitState';
import { destinationFor } from '../core/github/destination';
import { parseRemoteUrl, withoutCredentials, type GitHubRepo } from '../core/github/remote';
import { parseWorkflow, type WorkflowInput } from '../core/github/workflow';
import { FolderSettings } from '../settings';
import { GitHubClient } from '../core/github/client';
import { noTokenMessage, type GitHubDestination, type GitHubToken, type GitHubTokens } from './auth';
import { headFromGitExtension } from './gitBranch';
import { destinationSettings } from './userSettings';

/** Everything "Trigger CI on Branch" needs to know before it asks anything. */
export interface CiTarget {
  folder: vscode.WorkspaceFolder;
  settings: FolderSettings;
  /** The workflow file name GitHub knows it by (`integration-tests.yml`). */
  workflow: string;
  workflowName: string | undefined;
  inputs: WorkflowInput[];
  repo: GitHubRepo;
  /** GitHub's API for the repository, and which tokens may go there. */
  destination: GitHubDestination;
  git: Extract<BranchState, { kind: 'branch' }>;
  /** Where git runs (the repository root). */
  cwd: string;
}

type TargetResult = { kind: 'ok'; target: CiTarget } | { kind: 'refused'; reason: string };

/** Finds the folder, reads its workflow file and the branch's git state (fetching first when asked). */
export async function resolveTarget(logger: Logger, opts: { fetch: boolean }): Promise<TargetResult> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length)
    return {
      kind: 'refused',
      reason: 'No folder is open. Open the repository whose CI you want to trigger.',
    };
  // The folder of the active editor first, then the others: the first with the workflow file wins.
  const active = vscode.window.activeTextEditor
    ? vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri)
    : undefined;
  const ordered = active ? [active, ...folders.filter((f) => f !== active)] : [...folders];
  let firstMissing: string | undefined;
  for (const folder of ordered) {
    const settings = new FolderSettings(folder);
    const setting = settings.get('ci.workflow');
    const path = workflowPathOf(folder, settings);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      firstMissing ??= path;
      continue;
    }
    const wf = parseWorkflow(text, setting);
    if (wf.kind === 'invalid') return { kind: 'refused', reason: wf.reason };
    const head = await headFromGitExtension(folder.uri, logger);
    const cwd = head?.root ?? folder.uri.fsPath;
    if (head?.kind === 'detached') return { kind: 'refused', reason: detachedReason(head.commit) };
    const state = await readBranchState({ cwd, fetch: opts.fetch, branch: head?.name, logger });
    if (state.kind === 'notARepository')
      return { kind: 'refused', reason: `${state.reason} CI runs a branch pushed to GitHub.` };
    if (state.kind === 'detached') return { kind: 'refused', reason: detachedReason(state.sha) };
    if (!state.remote || !state.remoteUrl) {
      return {
        kind: 'refused',
        reason: `The branch ${state.branch} has no remote, so there is no GitHub repository to run CI in. Add one with \`git remote add origin <url>\`.`,
      };
    }
    const remoteUrl = withoutCredentials(state.remoteUrl);
    const repo = parseRemoteUrl(state.remoteUrl);
    if (!repo)
      return {
        kind: 'refused',
        reason: `The remote ${state.remote} (${remoteUrl}) is not a GitHub repository URL.`,
      };
    const destination = destinationFor(
      repo,
      destinationSettings(),
      `The remote ${state.remote} (${remoteUrl})`,
    );
    if (destination.kind === 'refused') return { kind: 'refused', reason: destination.reason };
    return {
      kind: 'ok',
      target: {
        folder,
        settings,
        workflow: basename(setting),
        workflowName: wf.name,
        inputs: wf.inputs,
        repo,
        destination,
        git: state,
        cwd,
      },
    };
  }
  return {
    kind: 'refused',
    reason: `No workflow file at ${firstMissing}. Set \`codespaceTests.ci.workflow\` to the workflow to dispatch.`,
  };
}

/** The folder's workflow file: `codespaceTests.ci.workflow`, from the folder unless absolute. */
export function workflowPathOf(
  folder: vscode.WorkspaceFolder,
  settings = new FolderSettings(folder),
): string {
  const setting = settings.get('ci.workflow');
  return isAbsolute(setting) ? setting : join(folder.uri.fsPath, setting);
}

function detachedReason(sha: string): string {
  return `HEAD is detached at ${sha}, and CI runs a branch. Check out a branch (or create one from here), push it, and try again.`;
}

/** The GitHub client of a target's repository, with the token that may go to its destination. */
export function githubClientFor(t: CiTarget, token: GitHubToken, logger: Logger): GitHubClient {
  return new GitHubClient({
    baseUrl: t.destination.apiBaseUrl,
    token: token.value,
    owner: t.repo.owner,
    repo: t.repo.repo,
    logger,
  });
}

/** The artifact name (or glob) holding a run's JUnit report: codespaceTests.ci.junitArtifact. */
export function junitArtifactPattern(t: CiTarget): string {
  return t.settings.get('ci.junitArtifact');
}

export type Connection =
  | { kind: 'ok'; target: CiTarget; client: GitHubClient; token: GitHubToken }
  | { kind: 'refused'; reason: string };

/** The target and a client with a token that may go there, or why not (said as the person should act). */
export async function connectToGitHub(
  logger: Logger,
  tokens: GitHubTokens,
  opts: { interactive: boolean; fetch?: boolean },
): Promise<Connection> {
  const resolved = await resolveTarget(logger, { fetch: opts.fetch ?? false });
  if (resolved.kind === 'refused') return resolved;
  const t = resolved.target;
  const token = await tokens.resolve(t.destination, { interactive: opts.interactive });
  if (!token) return { kind: 'refused', reason: noTokenMessage(t.destination) };
  return { kind: 'ok', target: t, client: githubClientFor(t, token, logger), token };
}
