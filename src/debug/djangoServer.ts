import * as vscode from 'vscode';
import { CancelledError } from '../core/cancel';
import { checkDebugpy } from '../core/debug/debugpyCheck';
import { pickListenPort } from '../core/debug/ports';
import { debugServerCommand, serverAttachConfig, serverPython } from '../core/debug/serverDebug';
import { DEFAULT_DEBUGPY_PORT, type ListenAddress } from '../core/debug/types';
import { tagged, type Logger } from '../core/logger';
import { debugpyExtensionMissingMessage, hasDebugpyExtension, type DebugPrompts } from './prompts';
import type { VsCodeDebugSessions } from './vscodeDebugger';
import { FolderSettings } from '../settings';
import { pythonInterpreter } from '../testing/interpreter';
import { djangoFolder, readLaunch } from '../django/config';
import type { DjangoController } from '../django/controller';

/** Where "Debug Django Server" is; one at a time. */
type ServerDebugState =
  | { kind: 'off' }
  | { kind: 'starting' }
  | { kind: 'attached'; listen: ListenAddress; serverPid: number | undefined };

/** What one "Debug Django Server" did, for the command's caller (and the host tests). */
export type ServerDebugResult =
  | { kind: 'attached'; listen: ListenAddress; serverPid: number | undefined }
  | { kind: 'alreadyDebugging' }
  | { kind: 'debuggerMissing'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

const LISTEN_HOST = '127.0.0.1';

/**
 * "Debug Django Server": restarts the managed server under `python -m debugpy --listen` on a free local
 * port and attaches VS Code to it, so breakpoints in views are hit while tests run against it. When the
 * session ends (detach or stop), the server goes back to its normal managed form.
 */
export class DjangoServerDebugger implements vscode.Disposable {
  private current: ServerDebugState = { kind: 'off' };
  private readonly logger: Logger;
  /** Settles when the server is back to normal after the last debug session ended. */
  restored: Promise<void> = Promise.resolve();

  constructor(
    private readonly django: DjangoController,
    private readonly sessions: VsCodeDebugSessions,
    private readonly prompts: () => DebugPrompts,
    logger: Logger,
  ) {
    this.logger = tagged(logger, 'debug');
  }

  get state(): ServerDebugState {
    return this.current;
  }

  /** For the command: never throws; every failure is said. */
  async debugServer(): Promise<ServerDebugResult> {
    if (this.current.kind !== 'off') return { kind: 'alreadyDebugging' };
    if (!hasDebugpyExtension()) {
      const message = debugpyExtensionMissingMessage('the Django server');
      this.logger.warn(message);
      void this.prompts().debugpyExtensionMissing(message);
      return { kind: 'debuggerMissing', message };
    }
    this.current = { kind: 'starting' };
    try {
      const result = await this.start();
      if (result.kind !== 'attached') this.current = { kind: 'off' };
      if (result.kind === 'failed') {
        this.logger.error(result.message);
        void this.prompts().error(result.message);
      }
      return result;
    } catch (e) {
      this.current = { kind: 'off' };
      if (e instanceof CancelledError) return { kind: 'cancelled' };
      const message = `Debug Django Server failed: ${(e as Error).message}`;
      this.logger.error(message);
      void this.prompts().error(message);
      return { kind: 'failed', message };
    }
  }

  private async start(): Promise<ServerDebugResult> {
    const folder = djangoFolder();
    const settings = new FolderSettings(folder);
    const interpreter = await pythonInterpreter(folder, this.logger);
    const launch = await readLaunch(folder, interpreter);
    const python = serverPython(launch.server, interpreter);
    const check = await checkDebugpy(python.command, {
      prefixArgs: python.args,
      cwd: launch.cwd,
      env: launch.server.env,
      logger: this.logger,
    });
    if (check.kind !== 'available') return { kind: 'failed', message: check.message };

    const { port, preferredWasTaken } = await pickListenPort(LISTEN_HOST, DEFAULT_DEBUGPY_PORT, [
      launch.port,
    ]);
    if (preferredWasTaken)
      this.logger.info(`Port ${DEFAULT_DEBUGPY_PORT} is taken; the debugger listens on ${port} instead.`);
    const listen = { host: LISTEN_HOST, port };
    const ready = await this.django.start({
      restart: true,
      wrap: (spec) => ({ ...spec, ...debugServerCommand(spec, interpreter, listen) }),
    });
    if (ready.external)
      return {
        kind: 'failed',
        message: `Django at ${ready.url} was not started by this window (it is being reused), so it cannot run under the debugger. Stop that server, then run "Debug Django Server" again.`,
      };
    const serverPid = this.django.server.pid;
    const config = serverAttachConfig({ listen, justMyCode: settings.get('debug.justMyCode') !== false });
    let handle;
    try {
      handle = await this.sessions.start(folder, config);
    } catch (e) {
      this.restore(serverPid);
      return {
        kind: 'failed',
        message: `Could not attach the debugger to Django on port ${port}: ${(e as Error).message}`,
      };
    }
    this.current = { kind: 'attached', listen, serverPid };
    this.logger.info(
      `Debugging Django (pid ${serverPid ?? '?'}); debugpy listens on ${LISTEN_HOST}:${port}.`,
    );
    void handle.ended.then(() => {
      this.current = { kind: 'off' };
      this.restore(serverPid);
    });
    return { kind: 'attached', listen, serverPid };
  }

  /** Back to the normal server, unless it already changed (stopped, restarted, crashed) since the debug start. */
  private restore(debugPid: number | undefined): void {
    const state = this.django.state;
    if (state.kind !== 'ready' || state.external || this.django.server.pid !== debugPid) return;
    this.logger.info('The debug session ended: restarting Django without the debugger.');
    this.restored = this.django
      .start({ restart: true })
      .then(() => undefined)
      .catch((e: unknown) => {
        if (e instanceof CancelledError) return;
        const message = `Django did not come back after debugging: ${(e as Error).message}`;
        this.logger.error(message);
        void this.prompts().error(message);
      });
  }

  dispose(): void {
    this.current = { kind: 'off' };
  }
}
