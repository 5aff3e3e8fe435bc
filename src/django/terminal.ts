import * as vscode from 'vscode';

/** Most characters kept while no terminal shows them; the oldest go first. */
const MAX_BUFFERED_CHARS = 512 * 1024;
/** Output is written in batches at most this often, not one write per chunk. */
const BATCH_MS = 16;

/**
 * A Pseudoterminal fed by the server's output: buffers until VS Code opens it (dropping the oldest when
 * full), then writes in batches. Colors pass through untouched; newlines become CRLF for the terminal.
 */
class BufferedPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private pending: string[] = [];
  private pendingChars = 0;
  private opened = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onUserClose: () => void,
    private readonly onInterrupt: () => void,
  ) {}

  open(): void {
    this.opened = true;
    this.flush();
  }

  close(): void {
    this.opened = false;
    this.onUserClose();
  }

  handleInput(data: string): void {
    // Ctrl+C in the Django terminal stops the server, as it would in a shell.
    if (data === '\x03') this.onInterrupt();
  }

  write(text: string): void {
    const t = text.replace(/\r?\n/g, '\r\n');
    this.pending.push(t);
    this.pendingChars += t.length;
    while (this.pendingChars > MAX_BUFFERED_CHARS && this.pending.length > 1) {
      this.pendingChars -= this.pending.shift()!.length;
    }
    if (this.opened) this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.opened || !this.pending.length) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.writeEmitter.fire(text);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}

/** The "Django" terminal the extension owns. Output is kept (bounded) while no terminal shows it. */
export class DjangoTerminal implements vscode.Disposable {
  static readonly title = 'Django';
  private terminal: vscode.Terminal | undefined;
  private pty: BufferedPty;
  private disposed = false;
  private readonly closeSub: vscode.Disposable;

  /** `onUserClose` runs when the person closes the terminal or presses Ctrl+C in it. */
  constructor(private readonly onUserClose: () => void) {
    this.pty = this.newPty();
    this.closeSub = vscode.window.onDidCloseTerminal((t) => {
      if (t !== this.terminal) return;
      this.terminal = undefined;
      // The next terminal starts from a fresh buffer; a closed one cannot be reopened.
      this.pty.dispose();
      this.pty = this.newPty();
    });
  }

  get isOpen(): boolean {
    return this.terminal !== undefined;
  }

  write(text: string): void {
    this.pty.write(text);
  }

  /** Creates the terminal if needed (it then shows everything buffered); `show` brings it to the front. */
  open(show = false, preserveFocus = true): void {
    this.terminal ??= vscode.window.createTerminal({
      name: DjangoTerminal.title,
      pty: this.pty,
      iconPath: new vscode.ThemeIcon('server-process'),
    });
    if (show) this.terminal.show(preserveFocus);
  }

  private newPty(): BufferedPty {
    const userClose = () => {
      if (!this.disposed) this.onUserClose();
    };
    return new BufferedPty(userClose, userClose);
  }

  dispose(): void {
    this.disposed = true;
    this.closeSub.dispose();
    const t = this.terminal;
    this.terminal = undefined;
    t?.dispose();
    this.pty.dispose();
  }
}
