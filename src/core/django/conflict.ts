import { DjangoStartError } from './diagnose';
import { probeHealth, type HealthAnswer } from './health';
import type { DjangoLaunch } from './launch';
import { killPortOwner, type PortOwner } from './portOwner';

/** Something else holds the port: who, and whether it is a Django we could reuse. */
export interface PortConflict {
  host: string;
  port: number;
  url: string;
  owner: PortOwner | undefined;
  health: HealthAnswer;
  /** Only a Django that answers the health URL may be reused. */
  reusable: boolean;
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

/**
 * Asks what to do about the process on the port and does it: 'freed' after a kill, 'reuse' for a healthy
 * Django. Throws a DjangoStartError when the user cancels (the default without a prompt) or the port stays busy.
 */
export async function settlePortConflict(
  launch: DjangoLaunch,
  owner: PortOwner | undefined,
  ask: ((c: PortConflict) => Promise<PortDecision>) | undefined,
  note: (text: string) => void,
  bail: () => void,
): Promise<'freed' | 'reuse'> {
  const health = await probeHealth(launch.healthUrl);
  const reusable = looksLikeDjango(owner, health);
  const who = describeOwner(owner);
  note(`Port ${launch.port} is already in use by ${who}.`);
  const decision = ask
    ? await ask({ host: launch.host, port: launch.port, url: launch.url, owner, health, reusable })
    : 'cancel';
  bail();
  if (decision === 'reuse' && reusable) return 'reuse';
  if (decision === 'kill' && owner) {
    note(`Killing ${who} and its children…`);
    if (await killPortOwner(owner, launch.host, launch.port)) return 'freed';
    throw new DjangoStartError(
      `Port ${launch.port} is still in use after killing ${who}. Free it by hand or change codespaceTests.django.port.`,
      'portBusy',
      [],
    );
  }
  throw new DjangoStartError(
    `Django was not started: port ${launch.port} is in use by ${who}. Stop that process, or change codespaceTests.django.port.`,
    'portBusy',
    [],
  );
}
