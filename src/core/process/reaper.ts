import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every child runs in its own process group, so nothing kills it when the extension host dies without
 * deactivating (a crash, a SIGKILL, a codespace that stops). A tiny detached watcher polls the host's pid
 * and, once it is gone, kills every process group still registered here: no orphan Django, pytest or
 * debugpy survives the window that started it.
 */
const SCRIPT = `
host="$1"; file="$2"
while kill -0 "$host" 2>/dev/null; do sleep 1; done
[ -f "$file" ] || exit 0
while read -r g; do kill -TERM -"$g" 2>/dev/null; done < "$file"
sleep 1
while read -r g; do kill -KILL -"$g" 2>/dev/null; done < "$file"
rm -f "$file"
`;

const groups = new Set<number>();
let file: string | undefined;

function ensureWatcher(): string | undefined {
  if (file || process.platform === 'win32') return file;
  file = join(tmpdir(), `codespace-tests-groups-${process.pid}`);
  writeFileSync(file, '');
  const watcher = spawn('sh', ['-c', SCRIPT, 'reaper', String(process.pid), file], {
    detached: true,
    stdio: 'ignore',
  });
  watcher.on('error', () => undefined);
  watcher.unref();
  // When the host exits, the watcher ends what is left, then removes the list.
  return file;
}

function save(): void {
  const f = ensureWatcher();
  if (!f) return;
  try {
    writeFileSync(f, [...groups].map((g) => `${g}\n`).join(''));
  } catch {
    // The temp folder went away: nothing to protect any more.
  }
}

/** Registers a child's process group (its pid: it leads its own group). */
export function watchGroup(pid: number): void {
  groups.add(pid);
  save();
}

/** The group has ended (or was killed by its owner): forget it, so a reused pid is never killed. */
export function forgetGroup(pid: number): void {
  if (groups.delete(pid)) save();
}
