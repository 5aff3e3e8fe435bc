import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { DJANGO_SOURCE, type LogStore } from '../core/logs/logStore';
import { LogFileTail } from '../core/django/logFileTail';
import { ConfigSection } from '../ids';
import { FolderSettings } from '../settings';

/**
 * codespaceTests.django.logFile: the file a session-owned Django writes to, followed into the log store
 * as Django's lines (the log viewer and each test's log window read them from there).
 */
export class DjangoLogFile implements vscode.Disposable {
  private tail: LogFileTail | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly logStore: LogStore,
    private readonly logger: Logger,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${ConfigSection}.django.logFile`)) void this.follow();
    });
    void this.follow();
  }

  /** The file followed now, if any. */
  get path(): string | undefined {
    return this.tail?.path;
  }

  /** Reads what the file has gained now (used before a test's log window is cut). */
  async catchUp(): Promise<void> {
    await this.tail?.poll();
  }

  private async follow(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const configured = folder ? new FolderSettings(folder).get('django.logFile')?.trim() : '';
    const path = configured && folder ? vscode.Uri.joinPath(folder.uri, configured).fsPath : undefined;
    const resolved = configured && configured.startsWith('/') ? configured : path;
    if (resolved === this.tail?.path) return;
    this.tail?.stop();
    this.tail = undefined;
    if (!resolved) return;
    const tail = new LogFileTail(resolved, (buf, start, end) =>
      this.logStore.appendBytes(DJANGO_SOURCE, buf, start, end),
    );
    this.tail = tail;
    await tail.start();
    this.logger.info(`Following Django's log file ${resolved} (codespaceTests.django.logFile).`);
  }

  dispose(): void {
    this.subscription.dispose();
    this.tail?.stop();
  }
}
