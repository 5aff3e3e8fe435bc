import { Emitter } from '../events';
import type { Logger } from '../logger';
import { DJANGO_SOURCE, type LogStore } from '../logs/logStore';
import { problemInLine, type DjangoProblem } from './diagnose';
import { stripVTControlCharacters } from 'node:util';
import { LineTail } from '../lines/lineTail';

/**
 * What the managed Django said: its last lines (for crash reports), the problems they reveal, the log
 * store's copy, and the raw output with the extension's own notes for the terminal.
 */
export class DjangoOutput {
  private readonly tail: LineTail;
  private readonly found = new Map<DjangoProblem['kind'], DjangoProblem>();
  private readonly chunks = new Emitter<string>();

  constructor(
    private readonly logger: Logger,
    private readonly logStore: LogStore | undefined,
    tailSize: number,
  ) {
    this.tail = new LineTail(tailSize);
  }

  /** Each start begins with no lines and no problems, so a report speaks of this start only. */
  clear(): void {
    this.tail.clear();
    this.found.clear();
  }

  lastLines(): string[] {
    return this.tail.snapshot();
  }

  /** The first problem of each kind seen since the start. */
  problems(): DjangoProblem[] {
    return [...this.found.values()];
  }

  forgetProblem(kind: DjangoProblem['kind']): void {
    this.found.delete(kind);
  }

  onOutput(l: (chunk: string) => void): { dispose(): void } {
    return this.chunks.event(l);
  }

  /** One line of a process's output (colors intact). */
  line(raw: string): void {
    const line = stripVTControlCharacters(raw);
    this.tail.push(line);
    this.logStore?.append(DJANGO_SOURCE, line, Date.now());
    const problem = problemInLine(line);
    if (problem && !this.found.has(problem.kind)) this.found.set(problem.kind, problem);
  }

  /** A raw chunk for the terminal. */
  emit(chunk: string): void {
    this.chunks.fire(chunk);
  }

  /** The extension's own lines in the terminal (dimmed), apart from Django's. */
  note(text: string): void {
    this.logger.info(text);
    this.emit(`\x1b[2m${text}\x1b[0m\n`);
  }

  dispose(): void {
    this.chunks.dispose();
  }
}
