import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

/** The little of the built-in Git extension's API (`vscode.git`, version 1) used here. */
interface GitApi {
  getRepository(
    uri: vscode.Uri,
  ): { rootUri: vscode.Uri; state: { HEAD?: { name?: string; commit?: string } } } | null;
}

type GitHead =
  { kind: 'branch'; name: string; root: string } | { kind: 'detached'; commit: string; root: string };

/**
 * The checked-out branch as the Git extension sees it; undefined when that extension is missing,
 * disabled or has not opened the repository yet (the git CLI is the fallback).
 */
export async function headFromGitExtension(folder: vscode.Uri, logger: Logger): Promise<GitHead | undefined> {
  try {
    const ext = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi; enabled?: boolean }>(
      'vscode.git',
    );
    if (!ext) return undefined;
    const exports = ext.isActive ? ext.exports : await ext.activate();
    if (exports.enabled === false) return undefined;
    const repo = exports.getAPI(1).getRepository(folder);
    const head = repo?.state.HEAD;
    if (!repo || !head) return undefined;
    if (head.name) return { kind: 'branch', name: head.name, root: repo.rootUri.fsPath };
    return head.commit
      ? { kind: 'detached', commit: head.commit.slice(0, 7), root: repo.rootUri.fsPath }
      : undefined;
  } catch (e) {
    logger.debug(`The Git extension's API is not available (${(e as Error).message}); using the git CLI.`);
    return undefined;
  }
}
