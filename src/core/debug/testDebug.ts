import { killTree, type Exit } from '../process/childProcess';
import type { PytestLaunch } from '../pytest/launch';
import { RESULTS_ENV_VAR } from '../pytest/protocol';
import {
  describeProblem,
  openSessionChannel,
  type SessionOptions,
  type SessionOutcome,
} from '../pytest/session';
import { buildTestLaunchConfig, envDelta, findTestDebugConfig, pytestInvocation } from './testLaunch';
import type { TestLaunchConfig } from './types';

/** Marks a configuration started by this extension, so its session is found again (tracker, end). */
export const SESSION_MARKER = 'codespaceTestsSession';

/** What starts a debug session: VS Code's debug API in the extension, a DAP client in the tests. */
export interface Debugger {
  /** Starts a session; rejects with a readable message when it cannot. */
  start(config: TestLaunchConfig, onOutput: (text: string) => void): Promise<DebugSessionHandle>;
}

export interface DebugSessionHandle {
  /** Settles when the session has ended. */
  ended: Promise<DebugSessionEnd>;
  /** Ends the session and the debuggee. */
  stop(): Promise<void>;
  /** The debuggee's process id, once the adapter said it. */
  debuggeePid(): number | undefined;
}

export interface DebugSessionEnd {
  /** The debuggee's exit code, when the adapter reported one. */
  exitCode: number | undefined;
  /** The person stopped or disconnected the session before the debuggee exited on its own. */
  stoppedByUser: boolean;
}

export interface TestDebugSettings {
  /** Used when the run command names no interpreter (`uv run pytest`). */
  interpreter: string;
  justMyCode: boolean;
  launchProperties?: Record<string, unknown>;
  /** `configurations` of launch.json (anything; malformed entries are skipped). */
  launchJson?: unknown;
  /** Variables the run decides besides the side channel (the Django URL and API key names). */
  requiredEnv?: readonly string[];
  /** The environment the debugger's own processes inherit; only what the run adds goes in the configuration. */
  inheritedEnv?: Record<string, string | undefined>;
}

/**
 * The launch configuration for debugging exactly what `launch` runs, reporting to `channelEnv`. Returns an
 * error message (never throws) when the run command cannot be debugged.
 */
export function testDebugConfig(
  launch: PytestLaunch,
  channelEnv: Record<string, string>,
  s: TestDebugSettings,
): { config: TestLaunchConfig } | { error: string } {
  const invocation = pytestInvocation(launch, s.interpreter);
  if ('error' in invocation) return invocation;
  const base = findTestDebugConfig(s.launchJson);
  const config = buildTestLaunchConfig({
    invocation,
    cwd: launch.cwd,
    env: envDelta({ ...launch.env, ...channelEnv }, s.inheritedEnv ?? process.env),
    requiredEnv: [RESULTS_ENV_VAR, 'PYTHONPATH', ...(s.requiredEnv ?? [])],
    justMyCode: s.justMyCode,
    launchProperties: s.launchProperties,
    base,
    name: base?.name || 'Debug Integration Tests',
  });
  return { config };
}

const TAIL = 40;

/**
 * Runs one pytest session under the debugger, with the same side channel as a normal run so results
 * stream per test; same outcome shape as `runPytestSession`, so the Test Explorer reports it the same
 * way. The token (or the person stopping the session) ends the session, and whatever it started is killed.
 */
export async function runPytestUnderDebugger(
  launch: PytestLaunch,
  opts: SessionOptions,
  debug: Debugger,
  settings: TestDebugSettings,
): Promise<SessionOutcome> {
  const { channel, events } = await openSessionChannel(opts);
  const tail: string[] = [];
  let partial = '';
  const onOutput = (text: string) => {
    opts.onOutput?.(text);
    const lines = (partial + text).split(/\r?\n/);
    partial = lines.pop() ?? '';
    tail.push(...lines);
    if (tail.length > TAIL) tail.splice(0, tail.length - TAIL);
  };
  const finish = (exit: Exit, cancelled: boolean, problem?: string): SessionOutcome => {
    channel.close();
    const outcome: SessionOutcome = { exit, cancelled, connected: channel.connected, events, tail };
    outcome.problem = cancelled
      ? undefined
      : (problem ?? describeProblem(launch, outcome, opts.commandSetting ?? 'codespaceTests.tests.command'));
    return outcome;
  };

  const built = testDebugConfig(launch, channel.env, settings);
  if ('error' in built) return finish(failed(built.error), false, built.error);
  const { config } = built;
  opts.logger?.info(
    `Debugging: python ${config.python} -m pytest ${config.args.join(' ')} (in ${config.cwd})`,
  );

  let handle: DebugSessionHandle;
  try {
    if (opts.token?.isCancellationRequested) return finish({ kind: 'signalled', signal: 'SIGTERM' }, true);
    handle = await debug.start(config, onOutput);
  } catch (e) {
    const message = `The debug session could not start: ${(e as Error).message}`;
    return finish(failed(message), false, message);
  }
  const sub = opts.token?.onCancellationRequested(() => void handle.stop());
  const end = await handle.ended;
  sub?.dispose();
  if (partial) tail.push(partial);
  // The adapter ends its debuggee; a tree that outlives the session (a stuck child) is killed here.
  const pid = handle.debuggeePid();
  if (pid !== undefined) await killTree(pid, 'SIGKILL');
  await channel.drain(opts.drainMs ?? 2000);
  const cancelled = opts.token?.isCancellationRequested ?? false;
  const finished = events.find((e) => e.event === 'sessionFinished');
  if (finished && end.exitCode === undefined)
    return finish({ kind: 'exited', code: finished.exitstatus }, cancelled);
  if (end.exitCode === undefined || (end.stoppedByUser && !finished)) {
    const problem =
      'The debug session was stopped before pytest finished, so the tests that had not reported did not run.';
    return finish({ kind: 'signalled', signal: 'SIGTERM' }, cancelled, problem);
  }
  return finish({ kind: 'exited', code: end.exitCode }, cancelled);
}

function failed(message: string): Exit {
  return { kind: 'failedToStart', error: new Error(message), notFound: false };
}
