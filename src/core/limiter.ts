/**
 * At most `max` tasks at once, the rest queued in order: many small requests to one server in parallel
 * without opening a socket per request (the cluster evidence reads one log per pod).
 */
export class Limiter {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((go) => this.queue.push(go));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}
