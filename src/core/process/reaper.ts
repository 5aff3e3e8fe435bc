import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ftruncateSync, mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every child runs in its own process group, so nothing kills it when the extension host dies without
 * deactivating (a crash, a SIGKILL, a codespace that stops). A tiny detached watcher polls the host's pid
 * and, once it is gone, kills every process still registered here: its group when it leads one (our
 * children), else the process itself (a debuggee the debug adapter started). No orphan Django, pytest or
 * debugpy survives the window that started it.
 *
 * The list lives in the extension's private storage (`useReaperFolder`), in a file this process created
 * itself (O_EXCL), so no other user can plant or swap the list of pids the watcher kills.
 */
const SCRIPT = `
host="$1"; file="$2"; tempdir="$3"
while kill -0 "$host" 2>/dev/null; do sleep 1; done
[ -f "$file" ] || exit 0
while read -r p; do kill -TERM -"$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; done < "$file"
sleep 1
while read -r p; do kill -KILL -"$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; done < "$file"
rm -f "$file"
[ -n "$tempdir" ] && rmdir "$tempdir" 2>/dev/null
exit 0
`;

const pids = new Set<number>();
let folder: string | undefined;
let list: { path: string; fd: number; tempDir: string } | undefined;
let broken = false;

/**
 * Where the list is kept: the extension's private storage (context.globalStorageUri). Without it (the CLI,
 * tests) a fresh private temp folder is made on first use; never a predictable name in the shared tmpdir.
 */
export function useReaperFolder(dir: string): void {
  if (!list) folder = dir;
}

/** Creates the list exclusively (never opens a file someone else made) and starts the watcher. */
function ensureList(): typeof list {
  if (list || broken || process.platform === 'win32') return list;
  try {
    if (folder) mkdirSync(folder, { recursive: true, mode: 0o700 });
    const dir = folder ?? mkdtempSync(join(tmpdir(), 'codespace-tests-reaper-'));
    const path = join(dir, `reaper-${process.pid}-${randomBytes(6).toString('hex')}.pids`);
    list = { path, fd: openSync(path, 'wx', 0o600), tempDir: folder ? '' : dir };
  } catch {
    broken = true; // Storage we cannot write: the children still stop with the extension, just not after a crash.
    return undefined;
  }
  const watcher = spawn('sh', ['-c', SCRIPT, 'reaper', String(process.pid), list.path, list.tempDir], {
    detached: true,
    stdio: 'ignore',
  });
  watcher.on('error', () => undefined);
  watcher.unref();
  return list;
}

function save(): void {
  const l = ensureList();
  if (!l) return;
  try {
    const text = Buffer.from([...pids].map((p) => `${p}\n`).join(''));
    ftruncateSync(l.fd, 0);
    writeSync(l.fd, text, 0, text.length, 0);
  } catch {
    // The folder went away: nothing to protect any more.
  }
}

/** Registers a process to kill if the host dies: our children (each leads its own group), or a debuggee. */
export function watchProcess(pid: number): void {
  pids.add(pid);
  save();
}

/** It has ended (or was killed by its owner): forget it, so a reused pid is never killed. */
export function forgetProcess(pid: number): void {
  if (pids.delete(pid)) save();
}
