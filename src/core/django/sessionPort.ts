import { describeOwner } from './conflict';
import { checkPort, killPortOwner, lingeringSockets, type PortOwner } from './portOwner';

/** Linux keeps a closed connection in TIME_WAIT for 60 s: the longest *Retry When the Port Is Free* waits. */
export const LINGER_WAIT_MS = 65_000;

/** Someone other than the extension's own server holds the port the test session will start Django on. */
export interface SessionPortConflict {
  host: string;
  port: number;
  /** Undefined when /proc cannot tell (another user, another namespace): then it cannot be killed from here. */
  owner: PortOwner | undefined;
}

export type SessionPortDecision = 'kill' | 'cancel';

/** The port is free for the session's own Django, or why the run must not start. */
type SessionPortResult =
  | { kind: 'free'; lingering: number }
  | { kind: 'freed'; owner: PortOwner }
  | { kind: 'busy'; owner: PortOwner | undefined; message: string };

/**
 * Session mode, before a run: the test session will start Django itself on `port`, so the port must be
 * free. When another process holds it, `ask` decides (Kill It or Cancel); the answer is acted on here, so
 * the run never fails deep inside pytest because of a taken port.
 */
export async function freePortForSession(opts: {
  host: string;
  port: number;
  ask: (conflict: SessionPortConflict) => Promise<SessionPortDecision>;
  note?: (text: string) => void;
}): Promise<SessionPortResult> {
  const { host, port } = opts;
  const check = await checkPort(host, port);
  // Closed connections in TIME_WAIT never delay a run: runserver binds with SO_REUSEADDR, as does every
  // socketserver. A conftest whose own check refuses them is explained after the run (portRefusal.ts).
  if (check.kind === 'free') {
    const lingering = await lingeringSockets(port);
    if (lingering)
      opts.note?.(
        `Port ${port}: ${lingering} closed connection(s) in TIME_WAIT; not waiting for them (runserver binds with SO_REUSEADDR).`,
      );
    return { kind: 'free', lingering };
  }
  const owner = check.owner;
  const who = describeOwner(owner);
  opts.note?.(`Port ${port} is in use by ${who}; the test session needs it to start its own Django.`);
  const decision = await opts.ask({ host, port, owner });
  if (decision === 'kill' && owner) {
    opts.note?.(`Killing ${who} and its children…`);
    if (await killPortOwner(owner, host, port, { note: opts.note })) return { kind: 'freed', owner };
    return {
      kind: 'busy',
      owner,
      message: `The tests did not run: port ${port} is still in use after killing ${who}. Free it by hand (kill ${owner.pid}), then run again.`,
    };
  }
  return { kind: 'busy', owner, message: sessionPortBusyMessage(port, owner) };
}

/** Thrown before a run in session mode when the port stays taken: the run does not start. */
export class SessionPortBusyError extends Error {}

/** What a person reads when the run does not start because of the port: who holds it and what to do. */
function sessionPortBusyMessage(port: number, owner: PortOwner | undefined): string {
  const fix = owner
    ? `Stop it (kill ${owner.pid}) or choose Kill It, then run again`
    : 'Stop it, then run again';
  return (
    `The tests did not run: port ${port} is in use by ${describeOwner(owner)}, and the test session starts its own Django on that port (Django mode: session). ` +
    `${fix}; or set codespaceTests.django.mode to "shared" if your conftest can reuse a running server.`
  );
}
