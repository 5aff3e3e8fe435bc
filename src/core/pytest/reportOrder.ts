import { stripVTControlCharacters } from 'node:util';
import { LineSplitter } from '../lines/lineSplitter';

/** Lines of pytest's captured sections remembered per run: past this, later ones may be repeated. */
const MAX_REPORTED_LINES = 20_000;

/** A pytest separator line: `---- Captured stderr call ----`, `____ test_a ____`, `==== short test summary ====`. */
const SEPARATOR = /^([-_=])\1{2,}( .* \1{3,})?$/;
const CAPTURED = /^-{3,} Captured (stdout|stderr|log) \S+ -{3,}$/;

/**
 * What pytest itself printed in its "Captured stdout/stderr/log" sections (the failures' report, `-rP`):
 * our additions leave those lines out rather than print them a second time. Bounded.
 */
export class PytestReport {
  private inCaptured = false;
  private readonly captured = new Set<string>();
  private readonly splitter = new LineSplitter((buf, start, end) =>
    this.line(buf.toString('utf8', start, end)),
  );

  /** pytest's output as it comes (colours allowed). */
  write(chunk: string): void {
    this.splitter.write(Buffer.from(chunk));
  }

  /** pytest's process ended: its last line, if it had no newline. */
  end(): void {
    this.splitter.flush();
  }

  private line(raw: string): void {
    const line = stripVTControlCharacters(raw).trimEnd();
    if (SEPARATOR.test(line)) this.inCaptured = CAPTURED.test(line);
    else if (this.inCaptured && line.trim() && this.captured.size < MAX_REPORTED_LINES)
      this.captured.add(line.trim());
  }

  /** Whether pytest showed this line in one of its captured sections. */
  shows(text: string): boolean {
    return this.captured.has(stripVTControlCharacters(text).trim());
  }
}

/** A block of output one test adds; `lines` are checked against pytest's report before it is shown. */
interface Addition<Item, Location> {
  /** Said before the lines; a block whose lines pytest all showed is left out, unless it must stay. */
  title?: string;
  lines: readonly string[];
  /** Lines said after the listed ones (counts, notes), never left out. */
  after?: readonly string[];
  item?: Item;
  location?: Location;
  /** Shown even when each of its lines is already in pytest's report (the title still says something). */
  keep?: boolean;
}

/**
 * Keeps the extension's additions out of pytest's report: while pytest writes (its process runs) they are
 * held, and when it has ended they follow its report in the order they came, without the lines pytest
 * already showed. Outside a pytest process they are written at once.
 */
export class AdditionsAfterReport<Item, Location> {
  private held: (Addition<Item, Location> | (() => Addition<Item, Location>))[] | undefined;

  constructor(
    private readonly report: PytestReport,
    private readonly write: (text: string, location?: Location, item?: Item) => void,
  ) {}

  /** pytest's process started: hold what comes until it ends. */
  hold(): void {
    this.held ??= [];
  }

  /** pytest's process ended and its output was handed on: what was held follows. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const a of held) this.show(a);
  }

  /** An addition, or how to make it when it is shown (once pytest's report is complete). */
  add(a: Addition<Item, Location> | (() => Addition<Item, Location>)): void {
    if (this.held) this.held.push(a);
    else this.show(a);
  }

  private show(made: Addition<Item, Location> | (() => Addition<Item, Location>)): void {
    const a = typeof made === 'function' ? made() : made;
    const lines = a.lines.filter((l) => !this.report.shows(l));
    const after = a.after ?? [];
    if (!lines.length && !after.length && !a.keep) return;
    const text = [...(a.title ? [a.title] : []), ...lines, ...after].join('\n');
    // On lines of its own: pytest may be in the middle of its progress line.
    this.write(`\n${text}\n`, a.location, a.item);
  }
}
