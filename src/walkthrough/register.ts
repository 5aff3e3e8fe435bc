import * as vscode from 'vscode';
import { WalkthroughKeys } from '../ids';
import type { TestExplorerApi } from '../testing/testExplorer';
import type { DoctorApi } from '../doctor/register';

/**
 * The walkthrough's milestones: each is a context key (WalkthroughKeys) set when the real event happens
 * (package.json's `completionEvents` name them as `onContext:`), so a step completes by doing it, not by
 * clicking the step. Seeing a failure's logs and triggering CI complete on their commands (`onCommand:`),
 * which are those events.
 */
const Milestones = WalkthroughKeys;
export type Milestone = keyof typeof Milestones;

/** The log viewer's webview type (a tab's viewType carries it, with a prefix the workbench adds). */
const LOG_VIEWER_TYPE = 'codespaceTests.logViewer';

/**
 * `npm start` (which installs the extension, so it runs in production mode) asks for the walkthrough and
 * the Testing view with this variable; nothing else sets it. Its own tests (test mode) never open them.
 */
const SHOW_WALKTHROUGH_VARIABLE = 'CODESPACE_TESTS_SHOW_WALKTHROUGH';

export interface WalkthroughApi {
  /** The milestones reached in this window: each key is set once. */
  readonly reached: ReadonlySet<Milestone>;
  onDidReach: vscode.Event<Milestone>;
}

/** Sets the walkthrough's context keys as the person checks the codespace, runs, fails, debugs and opens logs. */
export function registerWalkthrough(
  context: vscode.ExtensionContext,
  deps: { testExplorer: TestExplorerApi; doctor: DoctorApi },
): WalkthroughApi {
  const reached = new Set<Milestone>();
  const reaching = new vscode.EventEmitter<Milestone>();
  const reach = (m: Milestone) => {
    if (reached.has(m)) return;
    reached.add(m);
    void vscode.commands.executeCommand('setContext', Milestones[m], true).then(() => reaching.fire(m));
  };
  const logViewerOpen = () =>
    vscode.window.tabGroups.all.some((g) =>
      g.tabs.some(
        (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(LOG_VIEWER_TYPE),
      ),
    );
  context.subscriptions.push(
    reaching,
    deps.doctor.onDidCheck(() => reach('checkedCodespace')),
    deps.testExplorer.onDidFinishRun((summary) => {
      const outcomes = [...summary.itemResults.values()].map((r) => r.outcome);
      if (outcomes.some((o) => o === 'passed' || o === 'failed' || o === 'error')) reach('ranTest');
    }),
    vscode.debug.onDidStartDebugSession((s) => {
      // The Debug profile's sessions run pytest under debugpy.
      if (s.type === 'debugpy' && s.configuration.module === 'pytest') reach('debuggedTest');
    }),
    vscode.window.tabGroups.onDidChangeTabs(() => logViewerOpen() && reach('openedLogViewer')),
  );
  if (logViewerOpen()) reach('openedLogViewer');
  if (context.extensionMode !== vscode.ExtensionMode.Test && process.env[SHOW_WALKTHROUGH_VARIABLE] === '1')
    void showFirstScreen(context.extension.id);
  return { reached, onDidReach: reaching.event };
}

/** The first screen of `npm start`: the Testing view beside the walkthrough. */
async function showFirstScreen(extensionId: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.testing.focus');
  await vscode.commands.executeCommand(
    'workbench.action.openWalkthrough',
    `${extensionId}#getStarted`,
    false,
  );
}
