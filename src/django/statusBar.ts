import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { DjangoState } from '../core/django/types';
import { describeMode, type ModeChoice } from '../core/django/mode';

/** Text, tooltip and color of the status bar item for a state. */
export function statusOf(state: DjangoState): { text: string; tooltip: string; error: boolean } {
  switch (state.kind) {
    case 'stopped':
      return {
        text: '$(circle-slash) Django: stopped',
        tooltip: 'The managed Django server is stopped. Click for actions.',
        error: false,
      };
    case 'starting':
      return {
        text: '$(loading~spin) Django: starting',
        tooltip: `Starting Django at ${state.url}…`,
        error: false,
      };
    case 'ready':
      return {
        text: `$(pass-filled) Django: ${state.url.replace(/^https?:\/\//, '')}`,
        tooltip: `Django is ready at ${state.url}${state.external ? ' (a server started elsewhere, reused)' : ''}${state.pid ? `, pid ${state.pid}` : ''}. Click for actions.`,
        error: false,
      };
    case 'crashed':
      return {
        text: '$(error) Django: crashed',
        tooltip: `${state.reason}\nClick for actions.`,
        error: true,
      };
  }
}

/** The status bar item: state at a glance, click for the Django menu. */
export class DjangoStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: DjangoState = { kind: 'stopped' };
  private mode: ModeChoice | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem(
      'codespaceTests.django',
      vscode.StatusBarAlignment.Left,
      50,
    );
    this.item.name = 'Django Server';
    this.item.command = Commands.djangoMenu;
    this.update({ kind: 'stopped' });
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  update(state: DjangoState): void {
    this.state = state;
    const s = statusOf(state);
    this.item.text = s.text;
    this.item.tooltip = this.mode ? `${s.tooltip}\n${describeMode(this.mode)}` : s.tooltip;
    this.item.backgroundColor = s.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** Who owns Django (shared or session) and why: always in the tooltip. */
  setMode(choice: ModeChoice): void {
    this.mode = choice;
    this.update(this.state);
  }

  dispose(): void {
    this.item.dispose();
  }
}
