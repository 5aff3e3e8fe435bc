import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { LineSplitter, type ByteLine } from '../lines/lineSplitter';

/** How often the file is looked at when no change event came (a file system without inotify). */
const LOG_FILE_POLL_MS = 500;
/** At most this much is read per look, so a flood never blocks the extension host for long. */
const MAX_READ_BYTES = 4 * 1024 * 1024;

type LogFileState =
  { kind: 'waiting'; path: string } | { kind: 'following'; path: string } | { kind: 'stopped' };

/**
 * Follows a file that the test session's own Django writes to (codespaceTests.django.logFile): each new
 * line is handed on with the time it was read. Starts at the file's end (older sessions' lines are not
 * replayed); a file that is truncated or replaced (a new session) is read again from its start; a file
 * that does not exist yet is waited for.
 */
export class LogFileTail {
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private position = -1;
  private inode = -1;
  private reading = false;
  private again = false;
  private splitter: LineSplitter;
  private state: LogFileState = { kind: 'stopped' };

  constructor(
    readonly path: string,
    private readonly onLine: ByteLine,
    private readonly pollMs = LOG_FILE_POLL_MS,
  ) {
    this.splitter = new LineSplitter(onLine);
  }

  get current(): LogFileState {
    return this.state;
  }

  async start(): Promise<void> {
    if (this.timer) return;
    this.state = { kind: 'waiting', path: this.path };
    const s = await stat(this.path).catch(() => undefined);
    // Lines written before we looked belong to earlier sessions.
    if (s) this.follow(s.ino, s.size);
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref?.();
    // A change event reads at once, so a test's log window has its lines when the test ends.
    try {
      const name = basename(this.path);
      this.watcher = watch(dirname(this.path), (_event, file) => {
        if (!file || file === name) void this.poll();
      });
      this.watcher.on('error', () => this.watcher?.close());
      this.watcher.unref?.();
    } catch {
      // The folder does not exist (yet): the timer still looks.
    }
  }

  /** Reads what was appended since the last look; also called by the timer. */
  async poll(): Promise<void> {
    if (this.state.kind === 'stopped') return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      const s = await stat(this.path).catch(() => undefined);
      if (!s) return;
      if (s.ino !== this.inode || s.size < this.position) {
        // A new file (a new session) or a truncated one: read it from its start.
        this.splitter = new LineSplitter(this.onLine);
        this.follow(s.ino, 0);
      }
      if (s.size <= this.position) return;
      const length = Math.min(s.size - this.position, MAX_READ_BYTES);
      if (s.size - this.position > MAX_READ_BYTES) this.again = true;
      const handle = await open(this.path, 'r');
      try {
        const buf = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buf, 0, length, this.position);
        this.position += bytesRead;
        if (this.timer) this.splitter.write(buf.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    } finally {
      this.reading = false;
    }
    // A change seen while reading, or more than one read's worth: look again.
    if (this.again) {
      this.again = false;
      await this.poll();
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.state = { kind: 'stopped' };
  }

  private follow(inode: number, position: number): void {
    this.inode = inode;
    this.position = position;
    this.state = { kind: 'following', path: this.path };
  }
}
