// Helpers of the debug extension-host suites.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

const STUB_ID = 'ms-python.debugpy';

/**
 * Installs the test stand-in of the Python Debugger extension (suites/fixtures/debugpy-stub: the debugpy
 * debug type served by the system's real `python3 -m debugpy.adapter`) from a VSIX built on the spot,
 * since this VS Code has no Marketplace. Returns an uninstaller.
 */
export async function installDebugpyStandIn(repoRoot: string): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'cit-debugpy-stub-'));
  try {
    cpSync(join(repoRoot, 'suites/fixtures/debugpy-stub'), dir, { recursive: true });
    const vsix = join(dir, 'debugpy-stub.vsix');
    execFileSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/@vscode/vsce/vsce'),
        'package',
        '--no-dependencies',
        '--allow-missing-repository',
        '--skip-license',
        '-o',
        vsix,
      ],
      { cwd: dir, stdio: 'ignore', timeout: 60_000 },
    );
    await vscode.commands.executeCommand('workbench.extensions.installExtension', vscode.Uri.file(vsix));
    await waitFor(
      'the debugpy stand-in to be installed',
      () => vscode.extensions.getExtension(STUB_ID),
      60_000,
    );
  } finally {
    // VS Code keeps its own copy of an installed extension: the package and its sources can go.
    rmSync(dir, { recursive: true, force: true });
  }
  return async () => {
    await vscode.commands.executeCommand('workbench.extensions.uninstallExtension', STUB_ID);
  };
}

/** The `stopped` events of debugpy sessions, as VS Code's adapter tracker sees them. */
export class StopWatcher implements vscode.Disposable {
  readonly stops: { session: vscode.DebugSession; threadId: number; reason: string }[] = [];
  /** Debug sessions running now. */
  readonly live = new Set<vscode.DebugSession>();
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [
      vscode.debug.onDidStartDebugSession((s) => this.live.add(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.live.delete(s)),
    ];
    if (vscode.debug.activeDebugSession) this.live.add(vscode.debug.activeDebugSession);
    this.subs.push(
      vscode.debug.registerDebugAdapterTrackerFactory('debugpy', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: {
            type?: string;
            event?: string;
            body?: { threadId?: number; reason?: string };
          }) => {
            if (m.type === 'event' && m.event === 'stopped')
              this.stops.push({ session, threadId: m.body?.threadId ?? 0, reason: m.body?.reason ?? '' });
          },
        }),
      }),
    );
  }

  /** Waits for the next stop of a session matching `which`, and removes it from the list. */
  async next(which: (s: vscode.DebugSession) => boolean, timeoutMs = 60_000) {
    const i = await waitFor(
      'the debugger to stop',
      () => {
        const at = this.stops.findIndex((s) => which(s.session));
        return at >= 0 ? at + 1 : undefined;
      },
      timeoutMs,
    );
    return this.stops.splice(i - 1, 1)[0];
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
  }
}

/** The top frame where a session stopped, with its local variables. */
export async function topFrame(session: vscode.DebugSession, threadId: number) {
  const trace = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 });
  const frame = trace.stackFrames[0] as {
    id: number;
    name: string;
    line: number;
    source?: { path?: string };
  };
  const { scopes } = await session.customRequest('scopes', { frameId: frame.id });
  const locals = (scopes as { name: string; variablesReference: number }[]).find((s) =>
    /local/i.test(s.name),
  );
  const { variables } = await session.customRequest('variables', {
    variablesReference: locals?.variablesReference ?? 0,
  });
  return {
    name: frame.name,
    line: frame.line,
    path: frame.source?.path ?? '',
    locals: new Map((variables as { name: string; value: string }[]).map((v) => [v.name, v.value])),
  };
}

export function lineOf(text: string, needle: string, after: string): number {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.includes(after));
  const i = lines.findIndex((l, n) => n >= from && l.includes(needle));
  if (from < 0 || i < 0) throw new Error(`"${needle}" not found`);
  return i + 1;
}
