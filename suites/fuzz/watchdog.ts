import { Worker } from 'node:worker_threads';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A parser stuck in a loop blocks the main thread, so no timer there can notice. A worker thread watches
 * a progress counter the fuzzer bumps before every input; when it stops moving for `hangMs`, the worker
 * prints which input hung, records one failure and kills the process.
 */
const LABEL_BYTES = 400;
// Each compiled fuzz file bundles its own copy of this module: the buffer lives on globalThis so all share one.
const holder = globalThis as { fuzzProgress?: SharedArrayBuffer };
const shared = (holder.fuzzProgress ??= new SharedArrayBuffer(8 + LABEL_BYTES));
const counter = new Int32Array(shared, 0, 2);
const label = new Uint8Array(shared, 8, LABEL_BYTES);
const encoder = new TextEncoder();

/** Called before each input: the worker knows the fuzzer is alive, and what it is reading. */
export function markProgress(text: string): void {
  label.fill(0);
  encoder.encodeInto(text.slice(0, LABEL_BYTES / 4), label);
  Atomics.add(counter, 0, 1);
}

/** Counted by the runner as it goes, so a killed run still reports what passed before the hang. */
export function markPassed(): void {
  Atomics.add(counter, 1, 1);
}

export function startWatchdog(opts: { hangMs: number; resultsFile: string; seed: number }): Worker {
  const code = `
    const { workerData } = require('node:worker_threads');
    const { writeFileSync } = require('node:fs');
    const counter = new Int32Array(workerData.shared, 0, 2);
    const label = new Uint8Array(workerData.shared, 8, ${LABEL_BYTES});
    let last = -1, since = Date.now();
    setInterval(() => {
      const now = Atomics.load(counter, 0);
      if (now !== last) { last = now; since = Date.now(); return; }
      if (Date.now() - since < workerData.hangMs) return;
      const text = new TextDecoder().decode(label).replace(/\\0+$/, '');
      console.error('FUZZ HANG: ' + text + ' made no progress for ' + workerData.hangMs + ' ms (seed ' + workerData.seed + ')');
      writeFileSync(workerData.resultsFile, JSON.stringify({ suite: 'fuzz', passed: Atomics.load(counter, 1), failed: 1, pending: 0 }));
      process.kill(process.pid, 'SIGKILL');
    }, 250);
  `;
  mkdirSync(dirname(opts.resultsFile), { recursive: true });
  writeFileSync(opts.resultsFile, JSON.stringify({ suite: 'fuzz', passed: 0, failed: 1, pending: 0 }));
  const worker = new Worker(code, {
    eval: true,
    workerData: { shared, hangMs: opts.hangMs, resultsFile: opts.resultsFile, seed: opts.seed },
  });
  worker.unref();
  return worker;
}
