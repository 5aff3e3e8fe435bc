import { DjangoStartError } from './diagnose';
import { probeHealth, type HealthAnswer } from './health';
import type { DjangoLaunch } from './launch';
import { checkPort, killPortOwner, stillTheSame, type PortOwner } from './portOwner';

/** Something else holds the port: who, and whether it is a Django we could reuse. */
export interface PortConflict {
  host: string;
  port: number;
  url: string;
  owner: PortOwner | undefined;
  health: HealthAnswer;
  /** Only a Django that answers the health URL may be reused. */
  reusable: boolean;
  /** Set when this is asked again because the process asked about before exited or was replaced. */
  changed?: string;
}
export type PortDecision = 'kill' | 'reuse' | 'cancel';

/** "pid 123 (python3 -m http.server 8000)", or a plain phrase when /proc could not tell. */
export function describeOwner(owner: PortOwner | undefined): string {
  return owner
    ? `pid ${owner.pid} (${owner.commandLine || 'no command line'})`
    : 'a process this user cannot inspect';
}

/** A Django answering the health URL: its command line says so (or its Server header does), and it answers below 500. */
export function looksLikeDjango(owner: PortOwner | undefined, health: HealthAnswer): boolean {
  if (health.kind !== 'answered' || health.status >= 500) return false;
  if (owner) return /manage\.py|django|runserver|gunicorn|uvicorn|daphne/i.test(owner.commandLine);
  return /WSGIServer|gunicorn|uvicorn|daphne/i.test(health.server ?? '');
}

/** How many times the question is asked again when the process changes between the question and the kill. */
const MAX_ASKS = 5;

/**
 * Asks what to do about the process on the port and does it: 'freed' after a kill, 'reuse' for a healthy
 * Django. Before killing, the pid is looked up again: when its command line or start time changed since the
 * question (the process exited, the pid was reused), nothing is killed and the person is asked again about
 * what holds the port now. Throws a DjangoStartError when the user cancels (the default without a prompt)
 * or the port stays busy.
 */
export async function settlePortConflict(
  launch: DjangoLaunch,
  first: PortOwner | undefined,
  ask: ((c: PortConflict) => Promise<PortDecision>) | undefined,
  note: (text: string) => void,
  bail: () => void,
): Promise<'freed' | 'reuse'> {
  let owner = first;
  let changed: string | undefined;
  for (let asked = 0; ; asked++) {
    const health = await probeHealth(launch.healthUrl);
    const reusable = looksLikeDjango(owner, health);
    const who = describeOwner(owner);
    note(`Port ${launch.port} is ${changed ? 'now' : 'already'} in use by ${who}.`);
    const decision =
      ask && asked < MAX_ASKS
        ? await ask({
            host: launch.host,
            port: launch.port,
            url: launch.url,
            owner,
            health,
            reusable,
            changed,
          })
        : 'cancel';
    bail();
    if (decision === 'reuse' && reusable) return 'reuse';
    if (decision !== 'kill' || !owner) throw busy(launch, who);
    const check = await stillTheSame(owner);
    if (!check.same) {
      changed = `${who} changed since you were asked (${check.now ? `pid ${owner.pid} now runs "${check.now.commandLine}"` : 'it has exited'}), so it was not killed.`;
      note(changed);
      const port = await checkPort(launch.host, launch.port);
      if (port.kind === 'free') return 'freed';
      owner = port.owner;
      continue;
    }
    note(`Killing ${who} and its children…`);
    if (await killPortOwner(owner, launch.host, launch.port, { note })) return 'freed';
    throw new DjangoStartError(
      `Port ${launch.port} is still in use after killing ${who}. Free it by hand or change codespaceTests.django.port.`,
      'portBusy',
      [],
    );
  }
}

function busy(launch: DjangoLaunch, who: string): DjangoStartError {
  return new DjangoStartError(
    `Django was not started: port ${launch.port} is in use by ${who}. Stop that process, or change codespaceTests.django.port.`,
    'portBusy',
    [],
  );
}
