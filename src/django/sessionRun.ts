import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { findPortOwner, listeningInodes } from '../core/django/portOwner';
import { findPortRefusal, waitUntilPortIsClear, type PortRefusal } from '../core/django/portRefusal';
import type { DjangoPrompts } from './prompts';
import type { DjangoStatusBar } from './statusBar';

/** How often the port is looked at while a session-mode run lasts (/proc reads only). */
const WATCH_MS = 400;

interface Run {
  host: string;
  port: number;
  lingeringAtStart: number;
}

/**
 * Session mode, around a run: the status bar shows the session's own Django (its port, its pid once it
 * listens) instead of "stopped"; after the run, a refused port is explained and can be retried when clear.
 */
export class SessionRun implements vscode.Disposable {
  private last: Run | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly statusBar: DjangoStatusBar,
    private readonly logger: Logger,
  ) {}

  begin(run: Run): void {
    this.end();
    this.last = run;
    this.statusBar.showSession({ port: run.port, pid: undefined, up: false });
    let looking = false;
    let pid: number | undefined;
    const look = async () => {
      if (looking) return;
      looking = true;
      try {
        // The socket table each time; the owner's pid (a walk over /proc/*/fd) once per server.
        const up = (await listeningInodes(run.port)).size > 0;
        if (!up) pid = undefined;
        else if (pid === undefined) pid = (await findPortOwner(run.port))?.pid;
        if (this.timer) this.statusBar.showSession({ port: run.port, pid, up });
      } finally {
        looking = false;
      }
    };
    this.timer = setInterval(() => void look(), WATCH_MS);
    void look();
  }

  end(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.statusBar.showSession(undefined);
  }

  /** The last session-mode run refused its port with nothing listening: why (undefined otherwise). */
  async findRefusal(failureTexts: readonly string[]): Promise<PortRefusal | undefined> {
    const run = this.last;
    if (!run) return undefined;
    return findPortRefusal({ ...run, failureTexts });
  }

  /** Offers Retry When the Port Is Free; on yes, waits (with a cancellable progress) and runs again. */
  async offerRetry(
    refusal: PortRefusal,
    prompts: DjangoPrompts,
    retry: () => Promise<unknown>,
  ): Promise<void> {
    const host = this.last?.host ?? '127.0.0.1';
    if (!(await prompts.sessionPortRefused(refusal.message))) return;
    const settled = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Waiting for port ${refusal.port} to be free (closed connections expire within a minute)…`,
        cancellable: true,
      },
      (_p, token) => waitUntilPortIsClear({ host, port: refusal.port, token }),
    );
    if (settled === 'cancelled') return;
    if (settled === 'timeout') {
      const message = `Port ${refusal.port} still has closed connections after a minute: something keeps opening and closing connections on it. Stop that, or fix the conftest's port check (SO_REUSEADDR), then run again.`;
      this.logger.warn(message);
      void vscode.window.showErrorMessage(message);
      return;
    }
    this.logger.info(
      `Port ${refusal.port} is ${settled === 'clear' ? 'clear' : 'listened on'}: running the tests again.`,
    );
    await retry();
  }

  dispose(): void {
    this.end();
  }
}
