import * as assert from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { threadTimes } from '../../src/core/threadTimes';
import { markPassed, markProgress } from './watchdog';

/**
 * The fuzz tier's engine: seeded inputs (mutations of real samples, random strings and bytes, hostile
 * shapes) fed to one parser, which must not throw, hang or return something far bigger than its input.
 */

/** The run's seed: FUZZ_SEED, else a fixed one, so a run is reproducible from its printed seed. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261130) >>> 0;

/**
 * Inputs per parser, and the CPU time one parser may take before it stops early (the tier stays bounded).
 * CPU time, not wall time: on a loaded machine a parser still gets its inputs, and is not called slow.
 */
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 3000);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 2000);
/** One input taking this much CPU is a hang in the making (a linear parser reads a megabyte in milliseconds). */
export const SLOW_INPUT_MS = 2000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export const REPO = join(__dirname, '../../..');

export type Rng = () => number;

/** mulberry32, seeded from the run seed and the parser's name: each parser's inputs stand alone. */
export function rngFor(name: string, seed = SEED): Rng {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x85ebca6b);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

const ODD_CHARS = [
  '\0',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\x1b',
  '\\',
  '\u2028',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  'é',
  ' ',
];

/** A random string: printable ASCII mostly, with controls, lone surrogates and astral characters. */
export function randomString(rng: Rng, len: number): string {
  let s = '';
  while (s.length < len) {
    const r = rng();
    if (r < 0.7) s += String.fromCharCode(32 + int(rng, 95));
    else if (r < 0.85) s += pick(rng, ODD_CHARS);
    else if (r < 0.95) s += String.fromCharCode(int(rng, 0x10000));
    else s += String.fromCodePoint(0x10000 + int(rng, 0x100000));
  }
  return s;
}

/** Random bytes read as a file would be: UTF-8 decoding (invalid sequences become U+FFFD) or latin1. */
export function randomBytes(rng: Rng, len: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = int(rng, 256);
  return b;
}

/** A few edits of a real sample: flips, deletions, insertions of tokens or noise, repeated slices, `\r`-only lines. */
export function mutate(rng: Rng, sample: string, tokens: readonly string[]): string {
  let s = sample;
  const edits = 1 + int(rng, 8);
  for (let e = 0; e < edits; e++) {
    const at = int(rng, s.length + 1);
    switch (int(rng, 9)) {
      case 0:
        s = s.slice(0, at) + String.fromCharCode(int(rng, 0x80)) + s.slice(at + 1);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1 + int(rng, 40));
        break;
      case 2:
        s = s.slice(0, at) + pick(rng, tokens) + s.slice(at);
        break;
      case 3:
        s = s.slice(0, at) + randomString(rng, 1 + int(rng, 20)) + s.slice(at);
        break;
      case 4: {
        const len = 1 + int(rng, 30);
        s = s.slice(0, at) + s.slice(at, at + len).repeat(2 + int(rng, 50)) + s.slice(at);
        break;
      }
      case 5:
        s = s.slice(0, at);
        break;
      case 6:
        s = s.replace(/\r?\n/g, pick(rng, ['\r', '\n\r', '\r\r\n', '\0\n']));
        break;
      case 7:
        s = s.slice(0, at) + pick(rng, tokens).repeat(2 + int(rng, 200)) + s.slice(at);
        break;
      default: {
        const from = int(rng, s.length + 1);
        s = s.slice(0, at) + s.slice(from, from + int(rng, 200)) + s.slice(at);
      }
    }
  }
  return s;
}

/** Hostile shapes: deep nesting, huge lines, many lines, NULs, lone surrogates, `\r` only. */
export function hostile(
  rng: Rng,
  samples: readonly string[],
  tokens: readonly string[],
  size: number,
): string {
  const token = pick(rng, tokens);
  const sample = samples.length ? pick(rng, samples) : '';
  switch (int(rng, 8)) {
    case 0:
      return token.repeat(Math.ceil(size / Math.max(1, token.length)));
    case 1:
      return sample + token.repeat(Math.ceil(size / Math.max(1, token.length)));
    case 2:
      return `${token}\n`.repeat(Math.ceil(size / (token.length + 1)));
    case 3:
      return sample.replace(/\n/g, '\r');
    case 4:
      return sample.slice(0, size / 2) + '\0'.repeat(size / 2);
    case 5:
      return sample.replace(/[a-z]/g, () => (rng() < 0.1 ? '\ud800' : 'a'));
    case 6:
      return sample + ' '.repeat(size) + token + '\n' + sample;
    default: {
      const opens = ['(', '[', '{', '"', "'", '"""', '\\', '#', '=', ':', '- ', '  '];
      return pick(rng, opens).repeat(size / 2) + token;
    }
  }
}

/** The text of every file under `dir` (recursively) whose name passes `keep`. */
export function samplesFrom(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (name === '__pycache__' || name === 'node_modules') continue;
    if (statSync(full).isDirectory()) out.push(...samplesFrom(full, keep));
    else if (keep(name)) out.push(readFileSync(full, 'utf8'));
  }
  return out;
}

export interface FuzzTarget<T> {
  name: string;
  samples: readonly string[];
  /** Fragments of the format's syntax, spliced into samples and repeated into hostile inputs. */
  tokens: readonly string[];
  parse: (input: string) => T;
  /** Extra checks on one output (throw to fail). */
  check?: (output: T, input: string) => void;
  /** Output size allowed per input character (JSON of the output), plus a constant. */
  growth?: number;
  /** Feed raw random bytes as latin1 (binary protocols) rather than UTF-8 text. */
  latin1?: boolean;
}

/** JSON size of a parser's output (Maps, Sets and bigints counted too). */
export function outputSize(value: unknown): number {
  return (
    JSON.stringify(value, (_k, v: unknown) => {
      if (v instanceof Map) return [...v.entries()];
      if (v instanceof Set) return [...v];
      if (typeof v === 'bigint') return v.toString();
      if (Buffer.isBuffer(v)) return v.length;
      return v;
    })?.length ?? 0
  );
}

function preview(input: string): string {
  return JSON.stringify(input.length > 160 ? `${input.slice(0, 160)}…(${input.length} chars)` : input);
}

/** Runs one parser over its inputs; fails on the first throw, oversized output or very slow input. */
export function fuzz<T>(target: FuzzTarget<T>): void {
  const rng = rngFor(target.name);
  const started = cpuMs();
  let slowest = 0;
  let ran = 0;
  let bytes = 0;
  // A few big hostile inputs first: they are what catches quadratic time.
  const big = [256 * 1024, 512 * 1024, 1024 * 1024, 1024 * 1024, 1024 * 1024, 2 * 1024 * 1024];
  for (let i = 0; i < INPUTS; i++) {
    if (i >= big.length && cpuMs() - started > BUDGET_MS) break;
    const kind =
      i < big.length
        ? 'hostile-big'
        : pick(rng, ['mutation', 'mutation', 'mutation', 'random', 'bytes', 'hostile']);
    let input: string;
    if (kind === 'hostile-big') input = hostile(rng, target.samples, target.tokens, big[i]);
    else if (kind === 'mutation' && target.samples.length)
      input = mutate(rng, pick(rng, target.samples), target.tokens);
    else if (kind === 'bytes') {
      const b = randomBytes(rng, int(rng, 2048));
      input = b.toString(target.latin1 ? 'latin1' : 'utf8');
    } else if (kind === 'hostile')
      input = hostile(rng, target.samples, target.tokens, 1 + int(rng, 32 * 1024));
    else input = randomString(rng, int(rng, 2048));
    markProgress(`${target.name} input #${i} (${kind}, ${input.length} chars)`);
    const t0 = cpuMs();
    let out: T;
    try {
      out = target.parse(input);
      target.check?.(out, input);
    } catch (e) {
      assert.fail(
        `${target.name} input #${i} (${kind}, seed ${SEED}): ${String((e as Error).stack ?? e).slice(0, 1500)}\ninput: ${preview(input)}`,
      );
    }
    const ms = cpuMs() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > SLOW_INPUT_MS)
      assert.fail(
        `${target.name} input #${i} (${kind}, seed ${SEED}) took ${ms.toFixed(0)} ms of CPU: ${preview(input)}`,
      );
    const size = outputSize(out);
    const allowed = (target.growth ?? 4) * input.length + 4096;
    if (size > allowed)
      assert.fail(
        `${target.name} input #${i} (${kind}, seed ${SEED}): output of ${size} characters for ${input.length} of input: ${preview(input)}`,
      );
    ran++;
    bytes += input.length;
  }
  const total = cpuMs() - started;
  console.log(
    `      ${target.name}: ${ran} inputs, ${(bytes / 1e6).toFixed(1)} MB in ${total.toFixed(0)} ms of CPU (slowest input ${slowest.toFixed(0)} ms)`,
  );
  assert.ok(ran >= big.length, `${target.name} ran only ${ran} inputs`);
  markPassed();
}

/** CPU time of this thread alone (other processes and V8's helper threads left out), else the process's. */
function threadCpuMs(): number {
  return threadTimes()?.runningMs ?? cpuMs();
}

/**
 * Fails when `parse` grows faster than linearly on one shape: the CPU time for input 2n must be at most
 * `maxRatio` times the time for n. Each try times both sizes back to back (alternating which goes first),
 * each repeated until the smaller takes ~40 ms; judged on the median of the tries' ratios, since this
 * machine's speed drifts within a minute and a pair shares its moment.
 */
export function assertLinear(
  name: string,
  make: (n: number) => string,
  parse: (input: string) => unknown,
  { n = 8192, maxRatio = 2.5, tries = 5 } = {},
): void {
  // n against 4n, judged per doubling (the square root): a quadratic parser takes 16x there, a linear one 4x,
  // so one garbage collection or a busy neighbour (npm test runs tiers side by side) cannot cross the line
  // the way it did between n and 2n (2.64x and 2.65x measured for linear readers).
  const small = make(n);
  const large = make(4 * n);
  const time = (input: string, reps: number) => {
    const t0 = threadCpuMs();
    for (let r = 0; r < reps; r++) parse(input);
    return threadCpuMs() - t0;
  };
  let reps = 1;
  // Warm-up and calibration: a quadratic parser is slow here already, and needs no more repetitions.
  while (time(small, reps) < 40 && reps < 1 << 16) reps *= 2;
  const ratios: number[] = [];
  for (let t = 0; t < tries; t++) {
    markProgress(`${name}: growth try ${t + 1} of ${tries} (${reps} repetitions)`);
    const [a, b] = t % 2 ? [time(large, reps), time(small, reps)] : [time(small, reps), time(large, reps)];
    ratios.push(Math.sqrt(t % 2 ? a / b : b / a));
  }
  const ratio = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)];
  console.log(
    `      ${name}: ${n} -> ${4 * n} chars, ${reps} repetitions: ratios per doubling ${ratios.map((r) => r.toFixed(2)).join(' ')}`,
  );
  assert.ok(
    ratio <= maxRatio,
    `${name}: from ${n} to ${4 * n} characters the time grew ${ratio.toFixed(2)}x per doubling (median of ${tries} tries), more than ${maxRatio}x: the time grows faster than the input`,
  );
}
