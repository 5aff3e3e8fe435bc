/** Helpers for the debugger suites: a fixture copy, a real debugpy adapter, process cleanup. */
import { spawn, type ChildProcess as NodeChild } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DapClient } from './dapClient';
import { waitUntil } from '../support';

/** The system interpreter that has Django, pytest and debugpy (Debian packages). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const FIXTURE = join(__dirname, '../../../../suites/fixtures/codespace');
export const INTEGRATION_DIR = 'backend/oracles/tests/integration';

/** A fresh copy of the fixture codespace; `dispose` removes it. */
export function copyFixture(): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'cit-debug-'));
  cpSync(FIXTURE, root, {
    recursive: true,
    filter: (s) => !s.includes('__pycache__') && !s.endsWith('.sqlite3'),
  });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** 1-based line of the first line of `file` that contains `text` (after `after`, when given). */
export function lineOf(file: string, text: string, after?: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  const i = lines.findIndex((l, n) => n >= from && l.includes(text));
  if (from < 0 || i < 0) throw new Error(`"${text}" not found in ${file}`);
  return i + 1;
}

/** `python3 -m debugpy.adapter` speaking DAP on its stdio, in its own process group. */
export function startAdapter(python = SYSTEM_PYTHON): {
  client: DapClient;
  process: NodeChild;
  stderr: () => string;
} {
  const child = spawn(python, ['-m', 'debugpy.adapter'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return { client: new DapClient(child.stdout!, child.stdin!), process: child, stderr: () => stderr };
}

/** Kills a process group started by a test and waits until none of `pids` is alive. */
export async function killAndWait(groupLeader: number | undefined, pids: readonly number[]): Promise<void> {
  if (groupLeader) {
    try {
      process.kill(-groupLeader, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await waitUntil(() => pids.every((p) => !running(p)), 5000);
}

/** Process ids of every descendant of `pid` (from /proc), for checking that nothing stays behind. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    // A child started by another thread is listed under that thread's task.
    let children = '';
    try {
      for (const task of readdirSync(`/proc/${p}/task`))
        children += ' ' + readFileSync(`/proc/${p}/task/${task}/children`, 'utf8');
    } catch {
      return;
    }
    for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Process ids whose command line contains `text` (from /proc). */
export function processesMatching(text: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').includes(text))
        out.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** Alive and not a zombie (a dead child its parent has not reaped yet is not running). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
