import type { LogLine, LogStore } from '../core/logs/logStore';
import type { HostMessage, ViewerScope, ViewerState, WireLines } from './viewerProtocol';

/** Lines per message to the webview, and how many may wait while it is hidden or slow. */
const CHUNK = 20_000;
const MAX_PENDING = 200_000;
const FLUSH_MS = 100;

/**
 * The store's lines in a panel's scope on their way to the webview: batched (one message per
 * 100 ms, at most 20,000 lines each) and bounded (a hidden or slow view keeps the newest 200,000
 * waiting, and is told how many it missed).
 */
export class ViewerFeed {
  private pending: LogLine[] = [];
  private skipped = 0;
  /** The snapshot covered every line up to this seq; the store's next batch may repeat some of them. */
  private snapshotSeq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: LogStore,
    /** Whether the page takes lines now: loaded, not disposed, visible. */
    private readonly canSend: () => boolean,
    private readonly post: (m: HostMessage) => Promise<void>,
  ) {}

  /** Lines queued but not yet sent (bounded by MAX_PENDING). */
  get backlog(): number {
    return this.pending.length;
  }

  /** Starts the page over with the state's scope: a reset, then the store's lines in chunks. */
  restart(state: ViewerState): void {
    this.pending = this.store.query(scopeQuery(state.scope));
    this.snapshotSeq = this.store.lastSeq();
    this.skipped = 0;
    if (this.pending.length > MAX_PENDING) {
      this.skipped = this.pending.length - MAX_PENDING;
      this.pending = this.pending.slice(this.skipped);
    }
    void this.post({ type: 'reset', state });
    this.flushSoon(0);
  }

  /** Queues the new lines of a store batch that fall in the scope. */
  add(lines: readonly LogLine[], scope: ViewerScope): void {
    const { sources, from, to, afterSeq } = scope;
    for (const l of lines) {
      if (l.seq <= this.snapshotSeq) continue;
      if (sources && !sources.includes(l.source)) continue;
      if (from !== undefined && l.time < from) continue;
      if (to !== undefined && l.time > to) continue;
      if (afterSeq !== undefined && l.seq <= afterSeq) continue;
      this.pending.push(l);
    }
    this.dropWhatThePageWouldTrim();
    if (this.pending.length > MAX_PENDING) {
      const drop = this.pending.length - MAX_PENDING;
      this.skipped += drop;
      this.pending.splice(0, drop);
    }
    this.schedule();
  }

  /**
   * A source's waiting lines beyond the store's bound are lines the store has dropped already, and the page
   * (which keeps as many per source) would drop them on arrival: under a flood they are not sent at all. The
   * page ends up the same, so they are not reported as skipped.
   */
  private dropWhatThePageWouldTrim(): void {
    const keep = this.store.capacity;
    if (this.pending.length <= keep) return;
    const perSource = new Map<string, number>();
    for (const l of this.pending) perSource.set(l.source, (perSource.get(l.source) ?? 0) + 1);
    // The oldest lines of each source come first: drop that many of them.
    const excess = new Map([...perSource].filter(([, n]) => n > keep).map(([s, n]) => [s, n - keep]));
    if (!excess.size) return;
    if (perSource.size === 1) {
      this.pending.splice(0, this.pending.length - keep);
      return;
    }
    this.pending = this.pending.filter((l) => {
      const left = excess.get(l.source) ?? 0;
      if (left > 0) excess.set(l.source, left - 1);
      return left === 0;
    });
  }

  /** Forgets what waits (the page was cleared). */
  drop(): void {
    this.pending = [];
  }

  /** Sends what waits soon, e.g. when a hidden panel shows again. */
  schedule(): void {
    if (this.pending.length) this.flushSoon(FLUSH_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private flushSoon(ms: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private async flush(): Promise<void> {
    if (!this.canSend() || !this.pending.length) return;
    const batch = this.pending.splice(0, CHUNK);
    const skipped = this.skipped;
    this.skipped = 0;
    await this.post({
      type: 'lines',
      lines: toWire(batch),
      skipped: skipped || undefined,
      keepPerSource: this.store.capacity,
    });
    if (this.pending.length) this.flushSoon(0);
  }
}

/** The store query for a scope's window and sources (without the text filter). */
export function scopeQuery(scope: ViewerScope) {
  const { sources, from, to, afterSeq } = scope;
  return { sources, from, to, afterSeq };
}

/** Lines as columns, each source named once: one message of arrays instead of 20,000 objects. */
function toWire(lines: readonly LogLine[]): WireLines {
  const index = new Map<string, number>();
  const w: WireLines = { seq: [], time: [], src: [], sources: [], level: [], tag: [], text: [] };
  for (const l of lines) {
    let i = index.get(l.source);
    if (i === undefined) {
      i = w.sources.length;
      index.set(l.source, i);
      w.sources.push(l.source);
    }
    w.seq.push(l.seq);
    w.time.push(l.time);
    w.src.push(i);
    w.level.push(l.level);
    w.tag.push(l.tag ?? null);
    w.text.push(l.text);
  }
  return w;
}
