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
