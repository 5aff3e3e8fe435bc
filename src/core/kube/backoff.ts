/** Exponential backoff with a cap: 0.5 s, 1 s, 2 s … up to `maxMs`; `reset()` after a healthy stretch. */
export class Backoff {
  attempt = 0;

  constructor(
    private readonly firstMs = 500,
    private readonly maxMs = 30_000,
  ) {}

  next(): number {
    const ms = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    this.attempt++;
    return ms;
  }

  reset(): void {
    this.attempt = 0;
  }
}
