/**
 * Exponential backoff with a cap: `firstMs`, then each wait `factor` times the last (0.5 s, 1 s, 2 s …
 * by default), at most `maxMs`. `reset()` after a healthy stretch, or a change, starts again from `firstMs`.
 * The kube streams retry with it; the GitHub run follower paces its polls with it.
 */
export class Backoff {
  private last: number | undefined;

  constructor(
    private readonly firstMs = 500,
    private readonly maxMs = 30_000,
    private readonly factor = 2,
  ) {}

  /** The next wait; `factor` overrides the growth for this one step (a failure backs off faster). */
  next(factor = this.factor): number {
    this.last = Math.min(this.maxMs, this.last === undefined ? this.firstMs : this.last * factor);
    return this.last;
  }

  reset(): void {
    this.last = undefined;
  }
}
