/**
 * The `Debugger` the extension gets from VS Code, played by a DAP client driving a real
 * `python3 -m debugpy.adapter`: the same configuration goes in, the same end comes out.
 */
import type { DebugSessionEnd, DebugSessionHandle, Debugger } from '../../../src/core/debug/testDebug';
import type { TestLaunchConfig } from '../../../src/core/debug/types';
import { DapClient } from './dapClient';
import { descendants, killAndWait, startAdapter } from './support';

export interface Breakpoints {
  [path: string]: number[];
}

export class DapDebugger implements Debugger {
  readonly configs: TestLaunchConfig[] = [];
  /** Every process id seen under the adapters, to check none is left. */
  readonly pids = new Set<number>();
  private readonly adapters: { pid: number }[] = [];
  client: DapClient | undefined;

  constructor(private readonly breakpoints: Breakpoints = {}) {}

  async start(config: TestLaunchConfig, onOutput: (text: string) => void): Promise<DebugSessionHandle> {
    this.configs.push(config);
    const adapter = startAdapter();
    const pid = adapter.process.pid!;
    this.adapters.push({ pid });
    this.pids.add(pid);
    const client = (this.client = new DapClient(adapter.process.stdout!, adapter.process.stdin!));
    client.onOutput = (category, text) => (category === 'stdout' || category === 'stderr') && onOutput(text);
    await client.request('initialize', {
      clientID: 'cit-tests',
      adapterID: 'debugpy',
      linesStartAt1: true,
      pathFormat: 'path',
    });
    const launched = client.send('launch', config as unknown as Record<string, unknown>, 60_000);
    await client.waitForEvent('initialized');
    for (const [path, lines] of Object.entries(this.breakpoints))
      await client.request('setBreakpoints', {
        source: { path },
        breakpoints: lines.map((line) => ({ line })),
      });
    await client.request('configurationDone');
    const response = await launched;
    if (!response.success) throw new Error(response.message ?? 'launch failed');
    let debuggee: number | undefined;
    void client.waitForEvent('process', 60_000).then(
      (b) => {
        debuggee = b.systemProcessId as number;
        this.pids.add(debuggee);
      },
      () => undefined,
    );
    let stoppedByUser = false;
    const ended: Promise<DebugSessionEnd> = (async () => {
      const exited = client.waitForEvent('exited', 120_000).then(
        (b) => b.exitCode as number,
        () => undefined,
      );
      await client.waitForEvent('terminated', 120_000).catch(() => undefined);
      const exitCode = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 500))]);
      return { exitCode, stoppedByUser };
    })();
    return {
      ended,
      debuggeePid: () => debuggee,
      stop: async () => {
        stoppedByUser = true;
        for (const p of descendants(pid)) this.pids.add(p);
        await client.send('disconnect', { terminateDebuggee: true }, 10_000).catch(() => undefined);
      },
    };
  }

  /** Remembers what runs under the adapters now (call while the debuggee is alive). */
  snapshot(): void {
    for (const a of this.adapters) for (const p of descendants(a.pid)) this.pids.add(p);
  }

  async dispose(): Promise<void> {
    this.snapshot();
    for (const a of this.adapters) await killAndWait(a.pid, [...this.pids]);
  }
}
