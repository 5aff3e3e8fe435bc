import { constants } from 'node:os';
import { describeExit, type Exit } from '../process/childProcess';

/** Something the server's output or exit explains; each says what happened and what to do next. */
export type DjangoProblem =
  | { kind: 'commandNotFound'; command: string }
  | { kind: 'manageMissing'; line: string }
  | { kind: 'djangoMissing'; line: string }
  | { kind: 'unappliedMigrations'; line: string }
  | { kind: 'portInUse'; line: string };

const UNAPPLIED_MIGRATIONS = /You have \d+ unapplied migration\(s\)/;

/** The problems a single output line reveals (none for ordinary lines). */
export function problemInLine(line: string): DjangoProblem | undefined {
  if (UNAPPLIED_MIGRATIONS.test(line)) return { kind: 'unappliedMigrations', line };
  if (/can't open file .*manage\.py|No such file or directory.*manage\.py/.test(line))
    return { kind: 'manageMissing', line };
  if (/No module named '?django'?|Couldn't import Django/.test(line)) return { kind: 'djangoMissing', line };
  if (/That port is already in use/.test(line)) return { kind: 'portInUse', line };
  return undefined;
}

/** The problems in a set of lines, once each. */
export function problemsIn(lines: readonly string[]): DjangoProblem[] {
  const seen = new Map<string, DjangoProblem>();
  for (const line of lines) {
    const p = problemInLine(line);
    if (p && !seen.has(p.kind)) seen.set(p.kind, p);
  }
  return [...seen.values()];
}

/** A sentence a person can act on. */
export function explainProblem(p: DjangoProblem, cwd: string): string {
  switch (p.kind) {
    case 'commandNotFound':
      return `The command "${p.command}" was not found. Install it, or change the setting codespaceTests.django.command (or codespaceTests.python.interpreter).`;
    case 'manageMissing':
      return `manage.py was not found (${p.line.trim()}). The server runs in ${cwd}: check the settings codespaceTests.django.command and codespaceTests.django.cwd.`;
    case 'djangoMissing':
      return `Django is not installed for this Python (${p.line.trim()}). Set codespaceTests.python.interpreter to the project's Python, or install the dependencies.`;
    case 'unappliedMigrations':
      return `Django has unapplied migrations (${p.line.trim()}). Run "manage.py migrate".`;
    case 'portInUse':
      return 'Django says the port is already in use. Stop the other server or change codespaceTests.django.port.';
  }
}

/** Why a start failed, from how the process ended and what it printed. */
export function explainExit(exit: Exit, lines: readonly string[], command: string, cwd: string): string {
  if (exit.kind === 'failedToStart' && exit.notFound)
    return explainProblem({ kind: 'commandNotFound', command }, cwd);
  const found = problemsIn(lines).filter((p) => p.kind !== 'unappliedMigrations');
  const why = found.length
    ? ' ' + found.map((p) => explainProblem(p, cwd)).join(' ')
    : ' See its output in the Django terminal.';
  return `Django exited (${describeServerExit(exit)}).${why}`;
}

/**
 * How the server ended, in words. Django's autoreloader parent exits with its child's return code, and a
 * child killed by signal N makes that `sys.exit(-N)`, which the shell sees as 256 - N.
 */
export function describeServerExit(exit: Exit): string {
  const base = describeExit(exit);
  if (exit.kind !== 'exited' || exit.code < 193) return base;
  const signal = Object.entries(constants.signals).find(([, n]) => n === 256 - exit.code)?.[0];
  return signal ? `${base}: its server process was killed by ${signal}` : base;
}

export type StartFailure = 'cancelled' | 'portBusy' | 'exited' | 'timedOut';

export class DjangoStartError extends Error {
  constructor(
    message: string,
    readonly failure: StartFailure,
    readonly lastLines: string[],
    readonly problems: DjangoProblem[] = [],
  ) {
    super(message);
    this.name = 'DjangoStartError';
  }
}
