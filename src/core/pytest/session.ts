import { stripVTControlCharacters } from 'node:util';
import type { CancelToken } from '../cancel';
import type { Logger } from '../logger';
import { ChildProcess, describeExit, type Exit } from '../process/childProcess';
import type { PytestLaunch } from './launch';
import { protocolMismatch, type PluginEvent } from './protocol';
import { ResultChannel } from './resultChannel';
import { LineTail } from '../lines/lineTail';

/** How one pytest session ended, in words a person can act on. */
export interface SessionOutcome {
  exit: Exit;
  cancelled: boolean;
  /** Whether the plugin reported at all. */
  connected: boolean;
  /** Every event but Django's lines (serverOutput: a chatty server's, unbounded; `onEvent` gets them). */
  events: PluginEvent[];
  /** Set when the session did not run its tests normally: what happened and what to do. */
  problem?: string;
  /** The last lines of pytest's output (for problems and logs). */
  tail: string[];
}

export interface SessionOptions {
  token?: CancelToken;
  logger?: Logger;
  /** Each plugin event as it arrives. */
  onEvent?: (e: PluginEvent) => void;
  /** pytest's raw output, colors intact. */
  onOutput?: (chunk: string) => void;
  /** Called once the process is started (its pid, for tests and logs). */
  onStarted?: (child: ChildProcess) => void;
  /** How long to wait for the plugin to flush after pytest ends. */
  drainMs?: number;
  /** The setting a person changes when the command is not found. */
  commandSetting?: string;
  /** Output lines longer than this are cut with a marker (codespaceTests.output.maxLineBytes). */
  maxLineBytes?: number;
}

/** Lines of pytest's output kept for problems and logs. */
export const TAIL = 40;
/** How long to wait for the plugin's last bytes after pytest has ended. */
export const DRAIN_MS = 2000;

/**
 * Runs one pytest session to its end with the results channel wired in: the one run path shared by the
 * Test Explorer, the CLI and the benchmarks. Never throws and never hangs: the process ends, or the
 * token stops its whole tree.
 */
export async function runPytestSession(
  launch: PytestLaunch,
  opts: SessionOptions = {},
): Promise<SessionOutcome> {
  const { channel, events } = await openSessionChannel(opts);
  const tail = new LineTail(TAIL);
  const child = new ChildProcess({
    command: launch.command,
    args: launch.args,
    cwd: launch.cwd,
    env: { ...launch.env, ...channel.env },
    token: opts.token,
    logger: opts.logger,
    name: 'pytest',
    maxLineBytes: opts.maxLineBytes,
    onData: (chunk) => opts.onOutput?.(chunk),
    onLine: (line) => tail.push(line),
  });
  opts.onStarted?.(child);
  const exit = await child.stopped;
  // The plugin writes before pytest exits; a moment more covers the socket's last bytes, and no longer.
  await channel.drain(opts.drainMs ?? DRAIN_MS);
  channel.close();
  const cancelled = opts.token?.isCancellationRequested ?? false;
  const outcome: SessionOutcome = {
    exit,
    cancelled,
    connected: channel.connected,
    events,
    tail: tail.snapshot(),
  };
  outcome.problem = cancelled
    ? undefined
    : describeProblem(launch, outcome, opts.commandSetting ?? 'codespaceTests.tests.command');
  return outcome;
}

/**
 * The results channel of one session (a run or a debug run): every event it receives passed to `onEvent`, and
 * kept in order, Django's lines aside (they go to a bounded log store through `onEvent`).
 */
export async function openSessionChannel(
  opts: Pick<SessionOptions, 'logger' | 'onEvent'>,
): Promise<{ channel: ResultChannel; events: PluginEvent[] }> {
  const channel = await ResultChannel.open(opts.logger);
  const events: PluginEvent[] = [];
  channel.onEvent((e) => {
    const mismatch = e.event === 'hello' ? protocolMismatch(e) : undefined;
    if (mismatch) opts.logger?.warn(mismatch);
    if (e.event !== 'serverOutput') events.push(e);
    opts.onEvent?.(e);
  });
  return { channel, events };
}

/** The message for a session that did not run its tests normally; undefined when it did (pass or fail). */
export function describeProblem(
  launch: PytestLaunch,
  s: Omit<SessionOutcome, 'problem'>,
  commandSetting: string,
): string | undefined {
  const output = s.tail
    .filter((l) => l.trim())
    .slice(-12)
    .join('\n');
  const withOutput = (m: string) =>
    output ? `${m}\n\nLast output:\n${stripVTControlCharacters(output)}` : m;
  const collectErrors = s.events.filter((e) => e.event === 'collectError');
  if (s.exit.kind === 'failedToStart') {
    return s.exit.notFound
      ? `The test command "${launch.command}" was not found. Install it, or change "${commandSetting}" (or codespaceTests.python.interpreter when uv is not installed).`
      : `The test command could not start: ${s.exit.error.message}. Check "${commandSetting}" and the working directory ${launch.cwd}.`;
  }
  if (s.exit.kind === 'signalled')
    return withOutput(`pytest was stopped by ${s.exit.signal} before it finished.`);
  if (collectErrors.length) {
    const files = collectErrors.map((e) => e.nodeid || e.file).join(', ');
    return `pytest could not collect ${files}: fix the error shown on that file and run again.\n\n${stripVTControlCharacters((collectErrors[0] as { message: string }).message)}`;
  }
  const code = s.exit.code;
  // Before the plugin connected, pytest died while starting: its own output is the only clue.
  const early = s.connected ? '' : " before the extension's plugin connected";
  switch (code) {
    case 0:
    case 1:
      if (s.connected) return undefined; // the tests ran: passed or failed
      break;
    case 2:
      return withOutput(
        `pytest was interrupted (exit code 2)${early}: a test or conftest.py raised KeyboardInterrupt, or pytest was told to stop. See the output below, then run again.`,
      );
    case 3:
      return withOutput(
        `pytest hit an internal error (exit code 3)${early}: usually a plugin or conftest.py raised while pytest itself was running. See the output below.`,
      );
    case 4:
      return withOutput(
        `pytest rejected its command line (exit code 4, usage error)${early}. Check "codespaceTests.tests.extraArgs", the pytest.ini options and that conftest.py imports.`,
      );
    case 5:
      return 'No tests were selected (pytest exit code 5): the selected tests no longer exist or are deselected by the pytest.ini options. Refresh the tests and try again.';
    default:
      if (s.connected) return withOutput(`pytest ended with exit code ${code}.`);
  }
  return withOutput(
    `pytest ended (${describeExit(s.exit)})${early}, so no results can be shown: it failed while starting, or the plugin was not loaded (PYTHONPATH or "-p" overridden). Check the output below, the interpreter (codespaceTests.python.interpreter) and that pytest is installed for it.`,
  );
}
