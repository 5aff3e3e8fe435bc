import treeKill from 'tree-kill';

/**
 * Kills a process we did not start (the owner of a busy port, a debuggee started by the debug adapter)
 * and every descendant it still has. Our own children go through `ChildProcess`, which kills their
 * group. Never throws: a tree that is already gone is fine.
 */
export function killProcessTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => treeKill(pid, signal, () => resolve()));
}

/** Signals a whole process group at once, synchronously; false when there is no such group. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (process.platform === 'win32') return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // No such group: nothing left.
  }
}

/**
 * The one graceful stop of a process tree: `term`, then `kill` if `ended` has not settled `graceMs` after
 * the start. Resolves with what `ended` resolves with; `kill` is never sent once it has.
 */
export async function termThenKill<T>(
  steps: { term(): Promise<unknown>; kill(): Promise<unknown>; ended(): Promise<T> },
  graceMs: number,
): Promise<T> {
  const timer = setTimeout(() => void steps.kill().catch(() => undefined), graceMs);
  try {
    await steps.term();
    return await steps.ended();
  } finally {
    clearTimeout(timer);
  }
}
