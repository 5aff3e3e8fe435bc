/** Shared by the benchmarks: timing and the printed verdict. */
export async function timeIt(fn: () => Promise<unknown> | unknown, repeat = 1): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Prints one measurement line and whether it met its target; returns whether it did. */
export function report(name: string, detail: string, met: boolean): boolean {
  console.log(`${met ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
  return met;
}

export function finish(results: boolean[]): void {
  process.exitCode = results.every(Boolean) ? 0 : 1;
}

export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The extension's side and the by-hand side, each warmed up once, then run alternately `runs` times so the
 * shared machine's drift hits both alike; the medians and their ratio. `around` runs untimed just before
 * and after each extension run (e.g. to watch the event loop's delay while it runs).
 */
export async function sideBySide(
  extension: () => Promise<unknown>,
  byHand: () => Promise<unknown>,
  runs: number,
  around?: { before?: () => void; after?: () => void },
): Promise<{ ext: number[]; hand: number[]; e: number; h: number; ratio: number }> {
  await extension();
  await byHand();
  const ext: number[] = [];
  const hand: number[] = [];
  for (let i = 0; i < runs; i++) {
    around?.before?.();
    ext.push(await timeIt(extension));
    around?.after?.();
    hand.push(await timeIt(byHand));
  }
  const e = median(ext);
  const h = median(hand);
  return { ext, hand, e, h, ratio: e / h };
}
