import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { DjangoState } from '../core/django/types';
import { DJANGO_SOURCE } from '../core/logs/logStore';

interface MenuItem extends vscode.QuickPickItem {
  command?: string;
  args?: unknown[];
  url?: string;
}

/** The log viewer scoped to the server's own lines. */
const djangoLogsArgs = { sources: [DJANGO_SOURCE], title: 'Django' };

/** The actions that make sense in a state, as quick-pick items. */
export function menuItems(state: DjangoState): MenuItem[] {
  const running = state.kind === 'ready' || state.kind === 'starting';
  const items: MenuItem[] = [];
  if (!running) items.push({ label: '$(play) Start Django', command: Commands.startDjango });
  if (running) items.push({ label: '$(debug-stop) Stop Django', command: Commands.stopDjango });
  items.push({ label: '$(debug-restart) Restart Django', command: Commands.restartDjango });
  items.push({ label: '$(terminal) Show Django Terminal', command: Commands.showDjangoTerminal });
  items.push({
    label: '$(output) Show Django Logs',
    command: Commands.openLogViewer,
    args: [djangoLogsArgs],
  });
  if (state.kind !== 'starting')
    items.push({ label: '$(debug-alt) Debug Django Server', command: Commands.debugDjango });
  if (state.kind === 'ready') items.push({ label: `$(link-external) Open ${state.url}`, url: state.url });
  return items;
}

export async function showDjangoMenu(state: DjangoState): Promise<void> {
  const detail =
    state.kind === 'ready'
      ? `ready at ${state.url}`
      : state.kind === 'crashed'
        ? `crashed: ${state.reason}`
        : state.kind;
  const pick = await vscode.window.showQuickPick(menuItems(state), {
    title: `Django (${detail})`,
    placeHolder: 'Choose an action',
  });
  if (pick?.command) await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
  else if (pick?.url) await vscode.env.openExternal(vscode.Uri.parse(pick.url));
}
