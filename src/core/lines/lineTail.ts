/** The last N lines a process printed, kept for crash and problem reports ("the server's last 50 lines"). */
export class LineTail {
  private readonly lines: string[] = [];

  constructor(readonly capacity = 50) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** A copy, oldest first. */
  snapshot(): string[] {
    return [...this.lines];
  }

  clear(): void {
    this.lines.length = 0;
  }
}
