import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import {
  SESSION_MARKER,
  type DebugSessionEnd,
  type DebugSessionHandle,
  type Debugger,
} from '../core/debug/testDebug';
import { DEBUGPY_TYPE, type DebugConfig } from '../core/debug/types';

/** What the adapter said about one session this extension started. */
interface Watch {
  onOutput?: (text: string) => void;
  exitCode?: number;
  pid?: number;
  /** The adapter said the debuggee ended (exited/terminated). */
  ended: boolean;
  /** VS Code asked the adapter to stop before that: the person pressed Stop or Disconnect. */
  stoppedByUser: boolean;
  session?: vscode.DebugSession;
  onEnd: (() => void)[];
}

/**
 * Starts and follows the debug sessions of this extension through VS Code's debug API: a tracker reads
 * the adapter's messages (output, exit code, debuggee pid) of sessions carrying our marker.
 */
export class VsCodeDebugSessions implements vscode.Disposable {
  private readonly watches = new Map<string, Watch>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly logger: Logger) {
    const watchOf = (s: vscode.DebugSession) => {
      const id = (s.configuration as Record<string, unknown>)[SESSION_MARKER];
      return typeof id === 'string' ? this.watches.get(id) : undefined;
    };
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUGPY_TYPE, {
        createDebugAdapterTracker: (session) => {
          const w = watchOf(session);
          // Child sessions (subprocesses) copy the configuration: only the top one speaks for the run.
          if (!w || session.parentSession) return undefined;
          return {
            onDidSendMessage: (m: DapMessage) => {
              if (m.type !== 'event') return;
              if (m.event === 'output' && ['stdout', 'stderr'].includes(String(m.body?.category)))
                w.onOutput?.(String(m.body?.output ?? ''));
              else if (m.event === 'process' && typeof m.body?.systemProcessId === 'number')
                w.pid = m.body.systemProcessId;
              else if (m.event === 'exited' && typeof m.body?.exitCode === 'number') {
                w.exitCode = m.body.exitCode;
                w.ended = true;
              } else if (m.event === 'terminated') w.ended = true;
            },
            onWillReceiveMessage: (m: DapMessage) => {
              if (
                m.type === 'request' &&
                (m.command === 'disconnect' || m.command === 'terminate') &&
                !w.ended
              )
                w.stoppedByUser = true;
            },
          };
        },
      }),
      vscode.debug.onDidStartDebugSession((s) => {
        const w = watchOf(s);
        if (w && !s.parentSession) w.session = s;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        const w = watchOf(s);
        if (!w || s.parentSession) return;
        for (const f of w.onEnd.splice(0)) f();
      }),
    );
  }

  /**
   * Starts `config` in `folder` and returns its handle; rejects when VS Code does not start it (it shows
   * its own error then, e.g. for a launch.json problem).
   */
  async start(
    folder: vscode.WorkspaceFolder | undefined,
    config: DebugConfig,
    onOutput?: (text: string) => void,
  ): Promise<DebugSessionHandle & { session(): vscode.DebugSession | undefined }> {
    const id = randomUUID();
    const watch: Watch = { onOutput, ended: false, stoppedByUser: false, onEnd: [] };
    this.watches.set(id, watch);
    const ended = new Promise<DebugSessionEnd>((resolve) =>
      watch.onEnd.push(() => {
        this.watches.delete(id);
        resolve({ exitCode: watch.exitCode, stoppedByUser: watch.stoppedByUser });
      }),
    );
    let started: boolean;
    try {
      started = await vscode.debug.startDebugging(folder, { ...config, [SESSION_MARKER]: id });
    } catch (e) {
      this.watches.delete(id);
      throw e;
    }
    if (!started) {
      this.watches.delete(id);
      throw new Error(`VS Code did not start "${config.name}" (its own message says why).`);
    }
    this.logger.debug(`debug session "${config.name}" started`);
    return {
      ended,
      debuggeePid: () => watch.pid,
      session: () => watch.session,
      stop: async () => {
        if (watch.session) await vscode.debug.stopDebugging(watch.session);
      },
    };
  }

  /** The Debugger the core runs tests with, bound to a workspace folder. */
  debuggerFor(folder: vscode.WorkspaceFolder): Debugger {
    return { start: (config, onOutput) => this.start(folder, config, onOutput) };
  }

  dispose(): void {
    for (const w of this.watches.values()) for (const f of w.onEnd.splice(0)) f();
    this.watches.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}

interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
  body?: { category?: unknown; output?: unknown; systemProcessId?: unknown; exitCode?: unknown };
}
