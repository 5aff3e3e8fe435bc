import * as vscode from 'vscode';
import { ConfigSection } from '../ids';
import type { Logger } from '../core/logger';
import { chooseDjangoMode, describeMode, type ModeChoice } from '../core/django/mode';
import { djangoModeFrom } from '../core/launchFrom';
import { FolderSettings } from '../settings';
import { djangoFolder } from './config';

const NOTICE_KEY = 'codespaceTests.sessionModeNotice.dismissed';
const SHARE_SECTION = 'share-one-django-across-runs';

/**
 * Knows who owns Django in this window (codespaceTests.django.mode, or `auto` from the governing
 * conftest files), follows edits to conftest.py and the settings, says the choice once in the output,
 * and offers the README section on sharing when `auto` left Django to the session.
 */
export class DjangoModeTracker implements vscode.Disposable {
  /** Shows the sharing notice; replaceable, so extension-host tests can answer it without clicking. */
  notice: (message: string, ...actions: string[]) => Thenable<string | undefined> = (message, ...actions) =>
    vscode.window.showInformationMessage(message, ...actions);
  private choice: ModeChoice | undefined;
  private lastInis: string[] | undefined;
  private readonly said = new Set<string>();
  private noticeShown = false;
  private readonly changed = new vscode.EventEmitter<ModeChoice>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly logger: Logger,
    private readonly workspaceState: vscode.Memento,
    private readonly extensionUri: vscode.Uri,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/conftest.py');
    const again = () => void this.choose().catch((e) => this.logger.warn(String(e)));
    this.disposables.push(
      watcher,
      watcher.onDidChange(again),
      watcher.onDidCreate(again),
      watcher.onDidDelete(again),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration(`${ConfigSection}.django.mode`) ||
          e.affectsConfiguration(`${ConfigSection}.django.urlEnvVar`)
        )
          again();
      }),
    );
  }

  /** The person chose Don't Show Again for this workspace. */
  get dismissed(): boolean {
    return this.workspaceState.get<boolean>(NOTICE_KEY) === true;
  }

  get current(): ModeChoice | undefined {
    return this.choice;
  }

  /** Resolves the mode for these pytest.ini files (the last ones used, or every pytest.ini in the folder). */
  async choose(inis?: readonly string[]): Promise<ModeChoice> {
    if (inis?.length) this.lastInis = [...inis];
    const folder = djangoFolder();
    const used = this.lastInis ?? (await findInis(folder));
    // An unknown django.mode is said by the settings reader and read as auto.
    const choice = await chooseDjangoMode({
      ...djangoModeFrom(new FolderSettings(folder).get),
      inis: used,
      workspace: folder.uri.fsPath,
    });
    const before = this.choice;
    this.choice = choice;
    this.sayOnce(describeMode(choice));
    if (!before || before.mode !== choice.mode || before.reason !== choice.reason) this.changed.fire(choice);
    return choice;
  }

  /** In `auto`, when the session owns Django: one notice per window, never again after Don't Show Again. */
  offerSharing(choice: ModeChoice): void {
    if (choice.setting !== 'auto' || choice.mode !== 'session' || this.noticeShown) return;
    if (this.workspaceState.get<boolean>(NOTICE_KEY)) return;
    this.noticeShown = true;
    const how = 'How to Share One Django';
    const never = "Don't Show Again";
    void this.notice(
      'The test session starts its own Django for each run (Django mode: session), because no conftest.py reads the URL variable. A small conftest change lets runs share one Django and start faster.',
      how,
      never,
    ).then(async (answer) => {
      if (answer === never) await this.workspaceState.update(NOTICE_KEY, true);
      if (answer === how) await openShareSection(this.extensionUri);
    });
  }

  private sayOnce(message: string): void {
    if (this.said.has(message)) return;
    this.said.add(message);
    this.logger.info(message);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The README's "Share one Django across runs" section, in the Markdown preview. */
async function openShareSection(extensionUri: vscode.Uri): Promise<void> {
  const readme = vscode.Uri.joinPath(extensionUri, 'README.md').with({ fragment: SHARE_SECTION });
  await vscode.commands.executeCommand('markdown.showPreview', readme);
}

async function findInis(folder: vscode.WorkspaceFolder): Promise<string[]> {
  const found = await vscode.workspace.findFiles(
    new vscode.RelativePattern(folder, '**/pytest.ini'),
    '**/{node_modules,.venv,.git}/**',
    50,
  );
  return found.map((u) => u.fsPath).sort();
}
