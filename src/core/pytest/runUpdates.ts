/**
 * What a test run tells the Test Explorer, batched: a run of 5,000 tests makes some 15,000 calls
 * (started, passed, output), each a message to the workbench. They are queued and handed over once
 * per frame-sized interval, coalesced, so the host stays responsive; the queue is bounded, so a
 * burst is handed over early rather than held.
 */

/** The part of `vscode.TestRun` a run drives; `vscode.TestRun` satisfies it. */
export interface TestRunSink<Item, Message, Location> {
  enqueued(test: Item): void;
  started(test: Item): void;
  passed(test: Item, duration?: number): void;
  skipped(test: Item): void;
  failed(test: Item, message: Message | readonly Message[], duration?: number): void;
  errored(test: Item, message: Message | readonly Message[], duration?: number): void;
  appendOutput(output: string, location?: Location, test?: Item): void;
  end(): void;
}

type Update<I, M, L> =
  | { kind: 'enqueued' | 'started' | 'skipped'; test: I }
  | { kind: 'passed'; test: I; duration?: number }
  | { kind: 'failed' | 'errored'; test: I; message: M | readonly M[]; duration?: number }
  | { kind: 'output'; text: string; location?: L; test?: I };

interface BatchOptions {
  /** How long updates wait to be handed over together. */
  intervalMs?: number;
  /** Hand over at once when this many updates are queued... */
  maxUpdates?: number;
  /** ...or this much output. */
  maxOutputChars?: number;
  /** The timer; tests pass a manual one. Returns a cancel. */
  schedule?: (flush: () => void, ms: number) => () => void;
}

const FRAME_MS = 16;
const MAX_UPDATES = 1_000;
const MAX_OUTPUT_CHARS = 64 * 1024;

const defaultSchedule = (flush: () => void, ms: number) => {
  const t = setTimeout(flush, ms);
  return () => clearTimeout(t);
};

/**
 * A TestRunSink that queues updates and hands them to `target` per interval. On hand-over, output
 * chunks that follow each other (same test and location, state updates between them aside) become one call, and a test's `enqueued`
 * or `started` is left out when a later update for the same test is in the same batch: the view
 * would show it for no frame at all. Order is otherwise kept. `end()` hands over what is queued first.
 */
export class BatchedRun<I, M, L> implements TestRunSink<I, M, L> {
  private queue: Update<I, M, L>[] = [];
  private outputChars = 0;
  private cancelTimer: (() => void) | undefined;
  private readonly intervalMs: number;
  private readonly maxUpdates: number;
  private readonly maxOutputChars: number;
  private readonly schedule: NonNullable<BatchOptions['schedule']>;
  /** Calls handed to the target so far (for the benchmark and tests). */
  handedOver = 0;

  constructor(
    private readonly target: TestRunSink<I, M, L>,
    opts: BatchOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? FRAME_MS;
    this.maxUpdates = opts.maxUpdates ?? MAX_UPDATES;
    this.maxOutputChars = opts.maxOutputChars ?? MAX_OUTPUT_CHARS;
    this.schedule = opts.schedule ?? defaultSchedule;
  }

  enqueued(test: I): void {
    this.push({ kind: 'enqueued', test });
  }
  started(test: I): void {
    this.push({ kind: 'started', test });
  }
  passed(test: I, duration?: number): void {
    this.push({ kind: 'passed', test, duration });
  }
  skipped(test: I): void {
    this.push({ kind: 'skipped', test });
  }
  failed(test: I, message: M | readonly M[], duration?: number): void {
    this.push({ kind: 'failed', test, message, duration });
  }
  errored(test: I, message: M | readonly M[], duration?: number): void {
    this.push({ kind: 'errored', test, message, duration });
  }
  appendOutput(text: string, location?: L, test?: I): void {
    if (!text) return;
    this.outputChars += text.length;
    this.push({ kind: 'output', text, location, test });
  }

  end(): void {
    this.flush();
    this.target.end();
  }

  /** Hands every queued update to the target now. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.outputChars = 0;
    for (const u of coalesce(batch)) this.handOver(u);
  }

  private push(u: Update<I, M, L>): void {
    this.queue.push(u);
    if (this.queue.length >= this.maxUpdates || this.outputChars >= this.maxOutputChars) this.flush();
    else this.cancelTimer ??= this.schedule(() => this.flush(), this.intervalMs);
  }

  private handOver(u: Update<I, M, L>): void {
    this.handedOver++;
    const t = this.target;
    switch (u.kind) {
      case 'enqueued':
        return t.enqueued(u.test);
      case 'started':
        return t.started(u.test);
      case 'skipped':
        return t.skipped(u.test);
      case 'passed':
        return t.passed(u.test, u.duration);
      case 'failed':
        return t.failed(u.test, u.message, u.duration);
      case 'errored':
        return t.errored(u.test, u.message, u.duration);
      case 'output':
        return t.appendOutput(u.text, u.location, u.test);
    }
  }
}

/** One batch, coalesced: see BatchedRun. */
function coalesce<I, M, L>(batch: Update<I, M, L>[]): Update<I, M, L>[] {
  const lastState = new Map<I, number>();
  batch.forEach((u, i) => u.kind !== 'output' && lastState.set(u.test, i));
  const out: Update<I, M, L>[] = [];
  let lastOutput = -1;
  batch.forEach((u, i) => {
    if ((u.kind === 'enqueued' || u.kind === 'started') && lastState.get(u.test) !== i) return;
    if (u.kind === 'output') {
      // Output joins the output before it across state updates: the terminal and the tree are
      // separate, so only the order of output among itself shows.
      const prev = out[lastOutput];
      if (prev?.kind === 'output' && prev.test === u.test && prev.location === u.location) {
        out[lastOutput] = { ...prev, text: prev.text + u.text };
        return;
      }
      lastOutput = out.length;
    }
    out.push(u);
  });
  return out;
}
