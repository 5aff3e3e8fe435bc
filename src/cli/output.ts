import type { Writable } from 'node:stream';

/**
 * Writes `text` and resolves once the stream has taken all of it. A CLI that exits right after a large
 * write to a pipe loses what the pipe had not yet taken (64–128 KiB), so every verb writes through this.
 */
export function writeAll(text: string, stream: Writable = process.stdout): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!text) return resolve();
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/** A value as pretty JSON on stdout, complete when the promise resolves. */
export function writeJson(value: unknown, stream: Writable = process.stdout): Promise<void> {
  return writeAll(JSON.stringify(value, null, 2) + '\n', stream);
}

/** Lines on stdout (or stderr), complete when the promise resolves. */
export function writeLines(lines: readonly string[], stream: Writable = process.stdout): Promise<void> {
  return writeAll(lines.length ? lines.join('\n') + '\n' : '', stream);
}
