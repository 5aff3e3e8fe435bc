// The page's own frame times, for the report the benchmarks read: the script's work per animation
// frame (handling the host's messages and rendering rows, with the layout they force), for the last
// FRAMES frames that had any.
import type { FrameReport } from '../../src/logs/viewerProtocol';

const FRAMES = 2_000;
const work: number[] = [];
let pending = 0;
let closing = false;

function closeFrame(): void {
  closing = false;
  keep(work, pending);
  pending = 0;
}

function keep(list: number[], value: number): void {
  list.push(value);
  if (list.length > FRAMES) list.shift();
}

/** Runs `fn`, counting its time toward the current frame. */
export function measured<A extends unknown[]>(fn: (...a: A) => void): (...a: A) => void {
  return (...a) => {
    const t = performance.now();
    try {
      fn(...a);
    } finally {
      pending += performance.now() - t;
      if (!closing) {
        closing = true;
        nativeFrame(closeFrame);
      }
    }
  };
}

const nativeFrame = window.requestAnimationFrame.bind(window);
// Rendering runs in animation-frame callbacks: count them too.
window.requestAnimationFrame = (cb) => nativeFrame(measured(cb));

const p95 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] : 0);

export function frameReport(): FrameReport {
  return { frames: work.length, p95Ms: p95(work), maxMs: work.length ? Math.max(...work) : 0 };
}
