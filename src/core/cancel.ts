import { Emitter, type Disposable, type Event } from './events';

/** Cancellation without vscode: structurally compatible with vscode.CancellationToken. */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export class CancelledError extends Error {
  constructor(what = 'Cancelled') {
    super(what);
    this.name = 'CancelledError';
  }
}

export class TimeoutError extends Error {
  constructor(
    what: string,
    readonly ms: number,
  ) {
    super(`${what} did not finish within ${Math.round(ms / 1000)} s`);
    this.name = 'TimeoutError';
  }
}

/** A token source for core code and tests. */
export class CancelSource {
  private readonly cancelling = new Emitter<void>();
  private cancelled = false;
  readonly token: CancelToken;

  constructor() {
    const cancelling = this.cancelling;
    const isCancelled = () => this.cancelled;
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested(l) {
        if (isCancelled()) {
          queueMicrotask(l);
          return { dispose() {} };
        }
        return cancelling.event(l);
      },
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelling.fire();
    this.cancelling.dispose();
  }
}

/** Races a promise against a timeout and an optional token; the loser is left to settle on its own. */
export function raceWith<T>(
  promise: Promise<T>,
  opts: { timeoutMs?: number; token?: CancelToken; what?: string },
): Promise<T> {
  const what = opts.what ?? 'Operation';
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const sub = opts.token?.onCancellationRequested(() =>
      finish(() => reject(new CancelledError(`${what} was cancelled`))),
    );
    if (opts.timeoutMs !== undefined)
      timer = setTimeout(() => finish(() => reject(new TimeoutError(what, opts.timeoutMs!))), opts.timeoutMs);
    let done = false;
    function finish(f: () => void) {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      sub?.dispose();
      f();
    }
    if (opts.token?.isCancellationRequested)
      return finish(() => reject(new CancelledError(`${what} was cancelled`)));
    promise.then(
      (v) => finish(() => resolve(v)),
      (e) => finish(() => reject(e)),
    );
  });
}

/**
 * The next value of `event` (the first that passes `until`, when given); rejects with TimeoutError after
 * `timeoutMs` and CancelledError when `token` is cancelled. The subscription ends either way.
 */
export async function waitFor<T>(
  event: Event<T>,
  timeoutMs?: number,
  token?: CancelToken,
  opts: { until?: (value: T) => boolean; what?: string } = {},
): Promise<T> {
  let sub: Disposable | undefined;
  const fired = new Promise<T>((resolve) => {
    sub = event((value) => (!opts.until || opts.until(value)) && resolve(value));
  });
  try {
    return await raceWith(fired, { timeoutMs, token, what: opts.what ?? 'Waiting' });
  } finally {
    sub?.dispose();
  }
}

export function delay(ms: number, token?: CancelToken): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  return raceWith(slept, { token, what: 'Wait' }).finally(() => clearTimeout(timer));
}

/** A wait that cancellation cuts short without an error: for loops that check the token after it. */
export function pause(ms: number, token?: CancelToken): Promise<void> {
  return delay(ms, token).catch((e) => {
    if (!(e instanceof CancelledError)) throw e;
  });
}
