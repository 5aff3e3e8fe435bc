/** What a subscription returns; disposing it stops the calls. Structurally a vscode.Disposable. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; shaped like vscode.Event, so either can be passed where the other is expected. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * A typed event source, like vscode.EventEmitter but without vscode: `event` subscribes, `fire` calls each
 * listener in the order they subscribed. A listener may dispose itself (or others) while being called.
 */
export class Emitter<T> {
  private readonly listeners = new Set<{ call: (value: T) => void }>();

  /** `onListenerError` keeps one failing listener from stopping the others; without it the error is thrown. */
  constructor(private readonly onListenerError?: (error: unknown) => void) {}

  readonly event: Event<T> = (listener) => {
    // Wrapped, so the same function subscribed twice is called twice and each subscription disposes alone.
    const entry = { call: listener };
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(value: T): void {
    for (const entry of [...this.listeners]) {
      if (!this.listeners.has(entry)) continue; // disposed by an earlier listener of this same fire
      if (!this.onListenerError) entry.call(value);
      else
        try {
          entry.call(value);
        } catch (e) {
          this.onListenerError(e);
        }
    }
  }

  /** Forgets every listener. */
  dispose(): void {
    this.listeners.clear();
  }
}
