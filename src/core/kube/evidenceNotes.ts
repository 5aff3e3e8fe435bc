import { describeKubeError, sameProblem, type KubeAction } from './errors';

/**
 * What the cluster evidence lacks and why, in words for the failure message: requests still unanswered
 * at the deadline (grouped: pod logs, pod lists, events), failures said once each, and what the bounds cut.
 */
export class EvidenceNotes {
  private readonly pending = new Map<number, string>();
  private readonly problems: string[] = [];
  private readonly extra: string[] = [];
  private readonly cut: string[] = [];
  private cutBytes = 0;
  private ids = 0;
  private end: { kind: 'timedOut'; ms: number } | { kind: 'cancelled' } | undefined;

  constructor(private readonly server: string) {}

  started(what: string): number {
    this.pending.set(++this.ids, what);
    return this.ids;
  }

  finished(id: number): void {
    this.pending.delete(id);
  }

  failed(error: unknown, action: Omit<KubeAction, 'server'>): void {
    const message = describeKubeError(error, { ...action, server: this.server }).message.replace(
      / Retrying with backoff\.$/,
      '',
    );
    if (!this.problems.some((p) => sameProblem(p, message))) this.problems.push(message);
  }

  timedOut(ms: number): void {
    this.end ??= { kind: 'timedOut', ms };
  }

  cancelled(): void {
    this.end ??= { kind: 'cancelled' };
  }

  linesLeftOut(source: string, leftOut: number, kept: number): void {
    this.extra.push(`${source}: the first ${leftOut} lines of the window left out (the last ${kept} kept).`);
  }

  cutAtBytes(source: string, bytes: number): void {
    this.cut.push(source);
    this.cutBytes = bytes;
  }

  add(note: string): void {
    this.extra.push(note);
  }

  list(): string[] {
    const notes: string[] = [];
    if (this.end) {
      const why =
        this.end.kind === 'timedOut'
          ? `The cluster at ${this.server} did not answer within ${formatSeconds(this.end.ms)}`
          : 'Reading the cluster was cancelled';
      const missing = this.missing();
      notes.push(missing ? `${why}: ${missing} missing.` : `${why}.`);
    }
    notes.push(...this.problems);
    if (this.cut.length)
      notes.push(
        `Logs cut at ${this.cutBytes} bytes each (their share of the evidence's byte limit); their later lines of the window are missing: ${this.cut.join(', ')}.`,
      );
    notes.push(...this.extra);
    return notes;
  }

  /** `pod logs of 3 containers (pod/default/a/app, …), the pods of namespace x, events of namespace x` */
  private missing(): string {
    const logs: string[] = [];
    const others: string[] = [];
    for (const what of this.pending.values()) (what.startsWith('log of ') ? logs : others).push(what);
    const parts: string[] = [];
    if (logs.length) {
      const names = [...new Set(logs.map((l) => l.slice('log of '.length).replace(/ \(.*\)$/, '')))];
      const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');
      parts.push(`pod logs of ${names.length} container${names.length === 1 ? '' : 's'} (${shown})`);
    }
    parts.push(...new Set(others));
    return parts.join(', ');
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
