import { delay, type CancelToken } from '../cancel';
import { checkPort, lingeringSockets } from './portOwner';
import { LINGER_WAIT_MS } from './sessionPort';

/**
 * After a session-mode run: the session's own port check failed although nothing listens on the port. The
 * usual cause is a conftest that binds the port without SO_REUSEADDR to test it, which fails for up to a
 * minute while closed connections sit in TIME_WAIT (runserver itself binds with SO_REUSEADDR and would not).
 */
export interface PortRefusal {
  port: number;
  /** Closed connections in TIME_WAIT (or another non-LISTEN state) on the port when the run started. */
  lingeringAtStart: number;
  /** The same, now. */
  lingeringNow: number;
  /** What a person reads: the failure, its cause, what to do. */
  message: string;
}

/** A failure text that says the port (or an address) was in use, as a conftest's check or Python's bind says it. */
export function saysPortInUse(text: string, port: number): boolean {
  const head = text.slice(0, 20_000);
  if (/EADDRINUSE|\[Errno 98\]/.test(head)) return true;
  // Linear: one bounded gap between the port and "in use", on one line.
  const re = new RegExp(`\\b(?:port|address)\\b[^\\n]{0,160}\\bin use\\b`, 'i');
  const line = head.split('\n').find((l) => re.test(l));
  return line !== undefined && (line.includes(String(port)) || /address already in use/i.test(line));
}

/** The message for a refusal; pure, so the extension and the CLI say the same. */
export function portRefusalMessage(port: number, lingeringAtStart: number, lingeringNow: number): string {
  const lingering = Math.max(lingeringAtStart, lingeringNow);
  const cause = lingering
    ? `${lingering} closed connection(s) on port ${port} were in TIME_WAIT, which the kernel keeps for up to a minute after a server closes connections. A port check that binds without SO_REUSEADDR refuses the port until they expire, although runserver itself would bind it.`
    : `Nothing listens on port ${port} now: whatever held it was gone by the end of the run (a check that binds without SO_REUSEADDR also refuses a port while closed connections are in TIME_WAIT).`;
  return [
    `The test session refused port ${port}, although no process listens on it.`,
    cause,
    'Retry When the Port Is Free runs the same tests again as soon as the port is clear (within a minute).',
    "To never wait: in your conftest's port check, call sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) before sock.bind(...), as runserver does (or check with a connect only).",
  ].join(' ');
}

/**
 * Whether a finished session-mode run failed on its own port check: a failure says the port is in use,
 * and nothing listens on it now. Undefined otherwise (a real owner is the pre-run Kill It flow's business).
 */
export async function findPortRefusal(opts: {
  host: string;
  port: number;
  failureTexts: readonly string[];
  lingeringAtStart: number;
}): Promise<PortRefusal | undefined> {
  const { host, port } = opts;
  if (!opts.failureTexts.some((t) => saysPortInUse(t, port))) return undefined;
  if ((await checkPort(host, port)).kind !== 'free') return undefined;
  const lingeringNow = await lingeringSockets(port);
  return {
    port,
    lingeringAtStart: opts.lingeringAtStart,
    lingeringNow,
    message: portRefusalMessage(port, opts.lingeringAtStart, lingeringNow),
  };
}

type PortSettled = 'clear' | 'listening' | 'timeout' | 'cancelled';

/**
 * Waits until the port has neither a listener nor closed connections: 'clear' then; 'listening' as soon as a
 * process listens on it (a person started a server: the run's own port check will name it).
 */
export async function waitUntilPortIsClear(opts: {
  host: string;
  port: number;
  token?: CancelToken;
  timeoutMs?: number;
}): Promise<PortSettled> {
  const until = Date.now() + (opts.timeoutMs ?? LINGER_WAIT_MS);
  for (;;) {
    if (opts.token?.isCancellationRequested) return 'cancelled';
    if ((await checkPort(opts.host, opts.port)).kind === 'busy') return 'listening';
    if (!(await lingeringSockets(opts.port))) return 'clear';
    if (Date.now() >= until) return 'timeout';
    await delay(250, opts.token).catch(() => undefined);
  }
}
