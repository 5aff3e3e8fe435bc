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
