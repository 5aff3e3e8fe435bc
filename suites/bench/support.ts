// Shared by the benchmarks: timing, the printed verdict, and the fixture codespace with its Django up.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcess, runToEnd } from '../../src/core/process/childProcess';
import { freePort } from '../unit/support';

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

/** Both sides' times, their medians, and the ratio judged: the median of the paired runs' ratios. */
export interface SideBySide {
  ext: number[];
  hand: number[];
  e: number;
  h: number;
  /** ext[i] / hand[i]: each pair ran back to back. */
  ratios: number[];
  ratio: number;
}

/**
 * The extension's side and the by-hand side, each warmed up once, then run in `runs` back-to-back pairs;
 * the side that goes first alternates (ABBA), so a drift within a pair favours neither. Judged on the
 * median of the pairs' ratios: this machine's speed drifts by a quarter within a minute (the by-hand
 * 5,000 tests took 6.9 s and 9.3 s in one bench run), and a pair shares its moment, where the medians of
 * each side (the old verdict) measured 1.18x and 1.02x in two runs back to back. `around` runs untimed just
 * before and after each extension run (e.g. to watch the event loop's delay while it runs).
 */
export async function sideBySide(
  extension: () => Promise<unknown>,
  byHand: () => Promise<unknown>,
  runs: number,
  around?: { before?: () => void; after?: () => void },
): Promise<SideBySide> {
  await extension();
  await byHand();
  const ext: number[] = [];
  const hand: number[] = [];
  const timeExtension = async () => {
    around?.before?.();
    const ms = await timeIt(extension);
    around?.after?.();
    return ms;
  };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      ext.push(await timeExtension());
      hand.push(await timeIt(byHand));
    } else {
      hand.push(await timeIt(byHand));
      ext.push(await timeExtension());
    }
  }
  const ratios = ext.map((x, i) => x / hand[i]);
  return { ext, hand, e: median(ext), h: median(hand), ratios, ratio: median(ratios) };
}

/** The printed detail of a side-by-side run overhead. */
export function overheadDetail(r: SideBySide, target: number): string {
  return (
    `extension run path ${r.e.toFixed(0)} ms vs pytest by hand ${r.h.toFixed(0)} ms (medians); ` +
    `${r.ratios.length} pairs: ${r.ratios.map((x) => x.toFixed(2)).join(' ')}; ` +
    `median ${r.ratio.toFixed(2)}x (target <= ${target.toFixed(2)}x)`
  );
}

/** The system interpreter with Django and pytest (Debian's). */
export const PYTHON = '/usr/bin/python3';
/** The repository (every bench is bundled into out/suites/bench/). */
export const REPO = join(__dirname, '../../..');

/** A fresh copy of the fixture codespace, without its database or bytecode. */
export function fixtureCopy(prefix: string): string {
  const ws = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(REPO, 'suites/fixtures/codespace'), ws, {
    recursive: true,
    filter: (s) => !s.includes('__pycache__') && !s.endsWith('db.sqlite3'),
  });
  return ws;
}

/** `python manage.py <args>` in a fixture copy's backend; its stdout, or an error with its stderr. */
export async function manage(backend: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const r = await runToEnd({
    command: PYTHON,
    args: ['manage.py', ...args],
    cwd: backend,
    env,
    timeoutMs: 120_000,
  });
  if (r.exit.kind !== 'exited' || r.exit.code !== 0)
    throw new Error(`manage.py ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

export interface FixtureDjango {
  /** The copy of the fixture codespace. */
  ws: string;
  backend: string;
  /** The fixture's integration pytest.ini. */
  ini: string;
  /** The environment Django runs in; pytest by hand runs in it too. */
  env: NodeJS.ProcessEnv;
  url: string;
  /** What a test session needs to use this Django: its URL and API key. */
  djangoEnv: { INTEGRATION_DJANGO_URL: string; INTEGRATION_API_KEY: string };
  /** Stops Django and removes the copy. */
  stop(): Promise<void>;
}

/** A copy of the fixture codespace, migrated, with its Django up on a free port (as a developer starts it). */
export async function fixtureDjango(prefix: string): Promise<FixtureDjango> {
  const ws = fixtureCopy(prefix);
  const backend = join(ws, 'backend');
  const env = { ...process.env, PYTHONUNBUFFERED: '1' };
  let django: ChildProcess | undefined;
  const stop = async () => {
    await django?.stop();
    rmSync(ws, { recursive: true, force: true });
  };
  try {
    await manage(backend, env, 'migrate', '--noinput');
    const apiKey = (await manage(backend, env, 'print_api_key', 'baseten')).trim().split('\n').pop()!.trim();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    django = new ChildProcess({
      command: PYTHON,
      args: ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
      cwd: backend,
      env,
      name: 'Django',
    });
    await waitHealthy(url, 60_000);
    const ini = join(backend, 'oracles/tests/integration/pytest.ini');
    const djangoEnv = { INTEGRATION_DJANGO_URL: url, INTEGRATION_API_KEY: apiKey };
    return { ws, backend, ini, env, url, djangoEnv, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/health/`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Django did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * The same tests as a developer types them: `python -m pytest -c <ini> <test>...`, which must pass (or, with
 * `mayFail`, end with pytest's own exit code for failed tests, 1).
 */
export async function pytestByHand(
  ini: string,
  test: string | readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  mayFail = false,
): Promise<void> {
  const r = await runToEnd({
    command: PYTHON,
    args: ['-m', 'pytest', '-c', ini, ...(typeof test === 'string' ? [test] : test)],
    cwd,
    env,
    timeoutMs: 120_000,
  });
  const ok = r.exit.kind === 'exited' && (r.exit.code === 0 || (mayFail && r.exit.code === 1));
  if (!ok) throw new Error(`pytest by hand failed: ${r.stdout}`);
}
