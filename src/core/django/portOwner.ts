import { createConnection } from 'node:net';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { delay } from '../cancel';
import { killProcessTree, termThenKill } from '../process/processTree';

/** A process that holds a TCP port, read from /proc (no lsof needed). */
export interface PortOwner {
  pid: number;
  /** Its arguments joined by spaces, as `ps` shows them. */
  commandLine: string;
  ppid: number | undefined;
  /** When it started (field 22 of /proc/<pid>/stat, clock ticks since boot): with the command line, tells a reused pid apart. */
  startTime: string;
}

/** Who listens on a port: `owner` is undefined when the socket belongs to a process we may not inspect. */
type PortCheck = { kind: 'free' } | { kind: 'busy'; owner: PortOwner | undefined };

const LISTEN = '0A';

/** A row of /proc/net/tcp{,6} whose local port is `port`: its state (hex) and socket inode. */
interface SocketRow {
  state: string;
  inode: string;
}

/** The kernel's TCP sockets bound to `port` (any address, IPv4 and IPv6). */
async function socketsOnPort(port: number): Promise<SocketRow[]> {
  const rows: SocketRow[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (parseInt(f[1].slice(f[1].lastIndexOf(':') + 1), 16) === port)
        rows.push({ state: f[3], inode: f[9] });
    }
  }
  return rows;
}

/** Inodes of the sockets listening on `port`. */
export async function listeningInodes(port: number): Promise<Set<string>> {
  const rows = await socketsOnPort(port);
  return new Set(rows.filter((r) => r.state === LISTEN && r.inode !== '0').map((r) => r.inode));
}

/**
 * Sockets on `port` in a state other than LISTEN (mostly TIME_WAIT after a server closed or was killed with
 * connections open). They free themselves within a minute; until then a bind() without SO_REUSEADDR fails.
 */
export async function lingeringSockets(port: number): Promise<number> {
  return (await socketsOnPort(port)).filter((r) => r.state !== LISTEN).length;
}

/** The process holding one of the given socket inodes, found through /proc/<pid>/fd. */
async function pidOfSocket(inodes: Set<string>): Promise<number | undefined> {
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  // Newest processes first: a freshly started server is more likely the holder than pid 1.
  pids.sort((a, b) => Number(b) - Number(a));
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // Another user's process, or gone.
    }
    for (const fd of fds) {
      try {
        if (wanted.has(await readlink(`/proc/${pid}/fd/${fd}`))) return Number(pid);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return undefined;
}

/** The command line and parent of a process; undefined when it is gone. */
async function describeProcess(pid: number): Promise<PortOwner | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const commandLine = raw.split('\0').filter(Boolean).join(' ');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The name in parentheses may hold spaces; fields after it are fixed: state (3), ppid (4), ... starttime (22).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return { pid, commandLine, ppid: Number.isFinite(ppid) ? ppid : undefined, startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Which process (pid and command line) listens on the port, if any. */
export async function findPortOwner(port: number): Promise<PortOwner | undefined> {
  const inodes = await listeningInodes(port);
  if (!inodes.size) return undefined;
  const pid = await pidOfSocket(inodes);
  return pid === undefined ? undefined : describeProcess(pid);
}

/** Whether something accepts connections on host:port (covers holders /proc cannot show, such as other namespaces). */
function acceptsConnections(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Is the port free, and if not, who holds it. */
export async function checkPort(host: string, port: number): Promise<PortCheck> {
  const inodes = await listeningInodes(port);
  if (inodes.size) return { kind: 'busy', owner: await findPortOwner(port) };
  return (await acceptsConnections(host, port)) ? { kind: 'busy', owner: undefined } : { kind: 'free' };
}

/** Arguments that name a Python web server: the only kind whose parent may be the same server. */
const SERVER_ARGS = /manage\.py|django|runserver|gunicorn|uvicorn|daphne/i;

/**
 * The process to kill for an owner: the owner itself, or its parent when that is provably the same server,
 * as Django's autoreloader parent is (it runs the serving child with its own arguments, so killing only the
 * child lets the parent start another). Only a parent with the same non-empty arguments naming a server
 * qualifies: a shell the server was started from (two processes without arguments "match") never does.
 */
export async function treeRootOf(owner: PortOwner): Promise<PortOwner> {
  // argv[0] may differ (python3 vs sys.executable's /usr/bin/python3.12); the arguments may not.
  const args = (p: PortOwner) => p.commandLine.split(' ').slice(1).join(' ');
  const own = args(owner);
  if (!own || !SERVER_ARGS.test(own) || !owner.ppid || owner.ppid <= 1) return owner;
  const parent = await describeProcess(owner.ppid);
  return parent && args(parent) === own ? parent : owner;
}

/** Whether the process looked up earlier still runs as the same program: the same pid, command line and start time. */
export async function stillTheSame(
  owner: PortOwner,
): Promise<{ same: true } | { same: false; now: PortOwner | undefined }> {
  const now = await describeProcess(owner.pid);
  if (now && now.commandLine === owner.commandLine && now.startTime === owner.startTime)
    return { same: true };
  return { same: false, now };
}

/** "pid 123 now runs "python3 app.py"", or that it has exited: why a changed process was not killed. */
function changedNote(owner: PortOwner, now: PortOwner | undefined): string {
  return `pid ${owner.pid} (${owner.commandLine || 'no command line'}) ${now ? `now runs "${now.commandLine}" (its pid was reused)` : 'has exited'}, so nothing was killed`;
}

/**
 * Kills the owner (and its autoreloader parent, see treeRootOf) with every descendant: SIGTERM, then SIGKILL,
 * and waits until the port is free; false when it stays busy. Right before each signal the pid is looked up
 * again, and one whose start time or command line changed since `owner` was read (it exited, the pid was
 * reused) is not signalled: `note` says so, and the result is whether the port is free.
 */
export async function killPortOwner(
  owner: PortOwner,
  host: string,
  port: number,
  opts: { timeoutMs?: number; note?: (text: string) => void } = {},
): Promise<boolean> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const portFree = async () => (await checkPort(host, port)).kind === 'free';
  /** Signals the tree when `target` is still what was read; a changed one is left alone (and said so, if `tell`). */
  const signal = async (target: PortOwner, sig: NodeJS.Signals, tell: boolean): Promise<boolean> => {
    const check = await stillTheSame(target);
    if (!check.same) {
      if (tell) opts.note?.(`${changedNote(target, check.now)}.`);
      return false;
    }
    await killProcessTree(target.pid, sig);
    return true;
  };
  const root = await treeRootOf(owner);
  // The owner is checked too when its parent is the one signalled: the parent was found through it.
  if (root !== owner) {
    const check = await stillTheSame(owner);
    if (!check.same) {
      opts.note?.(`${changedNote(owner, check.now)}.`);
      return portFree();
    }
  }
  const changed = new AbortController();
  return termThenKill(
    {
      term: async () => {
        if (!(await signal(root, 'SIGTERM', true))) changed.abort();
      },
      // Each looked up again: 2.5 s is long enough for a pid to be reused. One that exited meanwhile is no news.
      kill: async () => {
        await signal(root, 'SIGKILL', false);
        if (root !== owner) await signal(owner, 'SIGKILL', false);
      },
      ended: () => portFreeWithin(portFree, timeoutMs, changed.signal),
    },
    timeoutMs / 2,
  );
}

/** Whether the port is free within `timeoutMs` (checked every 100 ms); once `stop` is aborted, checked once. */
async function portFreeWithin(
  portFree: () => Promise<boolean>,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const free = await portFree();
    if (free || stop.aborted || Date.now() >= until) return free;
    await delay(100);
  }
}
