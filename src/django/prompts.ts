import * as vscode from 'vscode';
import type { PortConflict, PortDecision } from '../core/django/server';
import { describeOwner } from '../core/django/conflict';
import type { SessionPortConflict, SessionPortDecision } from '../core/django/sessionPort';

/** The questions the Django part asks; replaceable, so extension-host tests can answer without clicking. */
export interface DjangoPrompts {
  /** Something else holds the port: kill it (whole tree), reuse it (only a healthy Django) or cancel. */
  portConflict(conflict: PortConflict): Promise<PortDecision>;
  /** Session mode: another process holds the port the session's Django needs: kill it (whole tree) or cancel the run. */
  sessionPortConflict(conflict: SessionPortConflict): Promise<SessionPortDecision>;
  /** Session mode: the session refused its own port with nothing listening: true for Retry When the Port Is Free. */
  sessionPortRefused(message: string): Promise<boolean>;
  /** A notification that asks nothing (the managed server stopped for a session run, the API key missing). */
  notify(kind: 'info' | 'warning', message: string): void;
  /** Django reported unapplied migrations: true to run `manage.py migrate` now. */
  runMigrations(detail: string): Promise<boolean>;
}

export const windowPrompts: DjangoPrompts = {
  async portConflict(c) {
    const kill = 'Kill It';
    const reuse = 'Reuse It';
    const items = c.owner ? [kill] : [];
    if (c.reusable) items.push(reuse);
    const detail = [
      c.owner
        ? `"${kill}" ends that process and every process it started.`
        : 'The process could not be identified, so it cannot be killed from here.',
      c.reusable
        ? `"${reuse}" runs the tests against that server (it answers ${c.url}); Stop will leave it running.`
        : 'It is not a Django answering the health URL, so it cannot be reused.',
      'Cancel leaves it alone and does not start Django.',
    ].join('\n');
    const answer = await vscode.window.showWarningMessage(
      `Port ${c.port} is already in use by ${describeOwner(c.owner)}.`,
      { modal: true, detail },
      ...items,
    );
    return answer === kill ? 'kill' : answer === reuse ? 'reuse' : 'cancel';
  },
  async sessionPortConflict(c) {
    const kill = 'Kill It';
    const detail = [
      'The test session starts its own Django on this port (Django mode: session), so the run cannot start while it is taken.',
      c.owner
        ? `"${kill}" ends that process and every process it started, then the run starts.`
        : 'The process could not be identified, so it cannot be killed from here.',
      'Cancel leaves it alone and does not run the tests.',
    ].join('\n');
    const answer = await vscode.window.showWarningMessage(
      `Port ${c.port} is already in use by ${describeOwner(c.owner)}.`,
      { modal: true, detail },
      ...(c.owner ? [kill] : []),
    );
    return answer === kill ? 'kill' : 'cancel';
  },
  async sessionPortRefused(message) {
    const retry = 'Retry When the Port Is Free';
    return (await vscode.window.showErrorMessage(message, retry)) === retry;
  },
  notify(kind, message) {
    if (kind === 'info') void vscode.window.showInformationMessage(message);
    else void vscode.window.showWarningMessage(message);
  },
  async runMigrations(detail) {
    const run = 'Run migrate';
    const answer = await vscode.window.showWarningMessage(`Django has unapplied migrations. ${detail}`, run);
    return answer === run;
  },
};
