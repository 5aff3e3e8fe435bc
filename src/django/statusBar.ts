import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { DjangoState } from '../core/django/types';
import { describeMode, type ModeChoice } from '../core/django/mode';

/** Text, tooltip and color of the status bar item for a state. */
function statusOf(state: DjangoState): { text: string; tooltip: string; error: boolean } {
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

/** Session mode, while a run lasts: the test session's own Django on its port (`pid` once it listens). */
interface SessionServer {
  port: number;
  pid: number | undefined;
  up: boolean;
}

/** Text and tooltip while the test session owns Django: never "stopped" during a run. */
function sessionStatusOf(s: SessionServer): { text: string; tooltip: string; error: boolean } {
  return s.up
    ? {
        text: `$(server-process) Django: session :${s.port}`,
        tooltip: `The test session's own Django is up on port ${s.port}${s.pid ? ` (pid ${s.pid})` : ''}. The session owns it: it stops when the run ends.`,
        error: false,
      }
    : {
        text: `$(loading~spin) Django: session :${s.port}`,
        tooltip: `A test run is going on; its session starts and stops its own Django on port ${s.port}.`,
        error: false,
      };
}

/** The status bar item: state at a glance, click for the Django menu. */
export class DjangoStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: DjangoState = { kind: 'stopped' };
  private mode: ModeChoice | undefined;
  private session: SessionServer | undefined;

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
    const s = this.session ? sessionStatusOf(this.session) : statusOf(state);
    this.item.text = s.text;
    this.item.tooltip = this.mode ? `${s.tooltip}\n${describeMode(this.mode)}` : s.tooltip;
    this.item.backgroundColor = s.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** Session mode: the session's Django during a run; undefined when the run ends. */
  showSession(session: SessionServer | undefined): void {
    this.session = session;
    this.update(this.state);
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
