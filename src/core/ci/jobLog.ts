import { stripVTControlCharacters } from 'node:util';
import type { JUnitOutcome } from '../junit/report';

/**
 * pytest's own lines in a GitHub Actions job log: the `-v` result lines, the short summary's `FAILED id - msg`,
 * and the closing `N passed, N failed in Xs` line. Every line is read once, left to right, with no regex that
 * can backtrack over a long line: a 50 MB log is read in one pass.
 */

/** One test as the log names it; `id` is the node id as pytest printed it (cwd- or rootdir-relative). */
export interface LogResult {
  id: string;
  outcome: JUnitOutcome;
  /** The summary's message, `xfailed`, or a skip's reason. */
  message: string;
  /** Seconds between the result line and the pytest line before it (its start), from GitHub's timestamps. */
  duration: number | undefined;
  /** 1-based line of the log that gave the outcome. */
  logLine: number;
}

interface JobLogRead {
  /** One per id, in the order the log first names them. */
  results: LogResult[];
  /** The last `N passed, N failed ...` line's counts (`passed`, `failed`, `error`, `skipped`, `xfailed`, ...). */
  counts: Record<string, number> | undefined;
  /** false: no closing summary line (the log was cut, or the job cancelled); results are what was printed. */
  complete: boolean;
}

const VERBOSE_WORDS: Record<string, JUnitOutcome> = {
  PASSED: 'passed',
  FAILED: 'failed',
  ERROR: 'errored',
  SKIPPED: 'skipped',
  XFAIL: 'skipped',
  XPASS: 'passed',
};

const RANK: Record<JUnitOutcome, number> = { failed: 3, errored: 2, passed: 1, skipped: 0 };

/** Reads a whole job log (GitHub's plain-text download). */
export function readJobLog(text: string): JobLogRead {
  const byId: Seen = new Map();
  let counts: Record<string, number> | undefined;
  let inSummary = false;
  /** When the current test started: the timestamp of the last pytest line before it. */
  let since: number | undefined;
  let lineNo = 0;
  for (let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const raw = text.slice(start, end);
    start = end + 1;
    const cut = githubTimestampEnd(raw);
    const rest = cut ? raw.slice(cut) : raw;
    const line = (
      rest.includes('\x1b') || rest.includes('\x9b') ? stripVTControlCharacters(rest) : rest
    ).trimEnd();
    // Most of a log is the tests' own output: a line that names no .py file is no result, and its time
    // is not read.
    if (
      !line ||
      (!inSummary && !line.includes('.py') && !line.startsWith('=') && !line.startsWith('collect'))
    )
      continue;
    const at = cut ? timestampMs(raw, cut) : undefined;
    if (line.startsWith('=')) {
      const title = bannerTitle(line);
      if (title === undefined) continue;
      if (title === 'test session starts') since = at;
      inSummary = title === 'short test summary info';
      const c = finalCounts(title);
      if (c) {
        counts = c;
        inSummary = false;
      }
      continue;
    }
    if (line.startsWith('collect')) {
      since = at ?? since;
      continue;
    }
    const found = inSummary ? summaryLine(line) : (verboseLine(line) ?? xdistLine(line));
    if (!found) continue;
    const parallel = !inSummary && line.startsWith('[gw');
    const duration =
      !inSummary && !parallel && at !== undefined && since !== undefined
        ? Math.round(Math.max(0, at - since) * 1000) / 1e6
        : undefined;
    if (!inSummary && at !== undefined) since = at;
    add(byId, { ...found, duration, logLine: lineNo });
  }
  return { results: finish(byId), counts, complete: counts !== undefined };
}

/** Each id's outcome so far, and the first message each outcome came with. */
type Seen = Map<string, { result: LogResult; messages: Map<JUnitOutcome, string> }>;

/** The same id twice: the -v line and the summary's message, or a failure and its teardown's error. */
function add(seen: Seen, r: LogResult): void {
  const before = seen.get(r.id);
  if (!before) {
    seen.set(r.id, { result: r, messages: new Map([[r.outcome, r.message]]) });
    return;
  }
  if (!before.messages.get(r.outcome)) before.messages.set(r.outcome, r.message);
  if (RANK[r.outcome] > RANK[before.result.outcome]) before.result.outcome = r.outcome;
  before.result.duration ??= r.duration;
}

function finish(seen: Seen): LogResult[] {
  return [...seen.values()].map(({ result, messages }) => {
    const error = messages.get('errored');
    const also =
      result.outcome !== 'errored' && error !== undefined
        ? `Also: error${error ? `: ${error}` : ''} (in setup or teardown)`
        : '';
    const message = [messages.get(result.outcome) ?? '', also].filter(Boolean).join('\n\n');
    return { ...result, message };
  });
}

/** `2024-05-01T12:00:00.1234567Z ` as GitHub prefixes each line: the time in ms, and the rest. */
export function splitGitHubTimestamp(raw: string): { at: number | undefined; rest: string } {
  const cut = githubTimestampEnd(raw);
  const at = cut ? timestampMs(raw, cut) : undefined;
  return at === undefined ? { at, rest: raw } : { at, rest: raw.slice(cut) };
}

/** Where the text after GitHub's timestamp starts (0: the line has none). Its shape only, not its date. */
function githubTimestampEnd(raw: string): number {
  // Fixed shape, anchored: YYYY-MM-DDTHH:MM:SS then an optional fraction, `Z` and one space.
  if (raw.length < 21 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(10) !== 84) return 0;
  let i = 19;
  if (raw[i] === '.') {
    i++;
    while (i < raw.length && i < 31 && isDigit(raw.charCodeAt(i))) i++;
  }
  return raw[i] === 'Z' && raw[i + 1] === ' ' ? i + 2 : 0;
}

/** The time of a timestamp that ends before `cut` (see githubTimestampEnd); undefined when it is no date. */
function timestampMs(raw: string, cut: number): number | undefined {
  const whole = Date.parse(`${raw.slice(0, 19)}Z`);
  if (Number.isNaN(whole)) return undefined;
  return whole + (cut - 2 > 20 ? Number(`0${raw.slice(19, cut - 2)}`) * 1000 : 0);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `==== title ====` -> `title`; undefined for a line of `=` alone or one that is not a banner. */
function bannerTitle(line: string): string | undefined {
  let a = 0;
  while (a < line.length && line[a] === '=') a++;
  let b = line.length;
  while (b > a && line[b - 1] === '=') b--;
  if (a < 2 || b === a) return undefined;
  return line.slice(a, b).trim();
}

/** `3 failed, 10 passed, 1 warning in 12.34s (0:00:12)` -> counts; undefined when it is another banner. */
function finalCounts(title: string): Record<string, number> | undefined {
  const cut = title.lastIndexOf(' in ');
  if (cut < 0) return undefined;
  const head = title.slice(0, cut);
  if (head === 'no tests ran') return {};
  const counts: Record<string, number> = {};
  for (const part of head.split(', ')) {
    const space = part.indexOf(' ');
    const n = Number(part.slice(0, space));
    const word = part.slice(space + 1);
    if (space < 1 || !Number.isInteger(n) || !/^[a-z]+$/.test(word)) return undefined;
    // pytest writes `1 error` but `2 errors`, `1 warning` but `2 warnings`.
    counts[word === 'errors' ? 'error' : word === 'warnings' ? 'warning' : word] = n;
  }
  return counts;
}

type Found = Omit<LogResult, 'duration' | 'logLine'>;

/** `path/test_x.py::TestC::test_y[a b] PASSED [ 10%]` (also `SKIPPED (why)`, `XFAIL (why)`, no percent). */
function verboseLine(line: string): Found | undefined {
  const body = withoutProgress(line);
  const at = outcomeAt(body);
  if (!at) return undefined;
  const id = body.slice(0, at.index);
  if (!looksLikeId(id)) return undefined;
  const after = body.slice(at.index + 1 + at.word.length).trim();
  const reason = after.startsWith('(') && after.endsWith(')') ? after.slice(1, -1) : after;
  return { id, outcome: VERBOSE_WORDS[at.word], message: describe(at.word, reason) };
}

/** pytest-xdist's `-v`: `[gw0] [ 10%] PASSED path/test_x.py::test_y`. */
function xdistLine(line: string): Found | undefined {
  if (!line.startsWith('[gw')) return undefined;
  let i = line.indexOf(']');
  if (i < 0) return undefined;
  let rest = line.slice(i + 1).trimStart();
  if (rest.startsWith('[')) {
    i = rest.indexOf(']');
    if (i < 0) return undefined;
    rest = rest.slice(i + 1).trimStart();
  }
  const space = rest.indexOf(' ');
  const word = rest.slice(0, space);
  if (space < 0 || !(word in VERBOSE_WORDS)) return undefined;
  const id = rest.slice(space + 1).trim();
  return looksLikeId(id) ? { id, outcome: VERBOSE_WORDS[word], message: describe(word, '') } : undefined;
}

/** The short summary: `FAILED id - message`, `ERROR id`, `XFAIL id - reason`, `PASSED id` (with -rA). */
function summaryLine(line: string): Found | undefined {
  const space = line.indexOf(' ');
  const word = line.slice(0, space);
  if (space < 0 || !(word in VERBOSE_WORDS)) return undefined;
  const rest = line.slice(space + 1);
  // ` - ` at bracket depth 0 ends the id: a parametrized id may hold ` - ` inside its brackets.
  let depth = 0;
  let cut = -1;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ' ' && depth === 0 && rest[i + 1] === '-' && rest[i + 2] === ' ') {
      cut = i;
      break;
    }
  }
  const id = (cut < 0 ? rest : rest.slice(0, cut)).trim();
  if (!looksLikeId(id)) return undefined;
  const message = cut < 0 ? '' : rest.slice(cut + 3).trim();
  return { id, outcome: VERBOSE_WORDS[word], message: describe(word, message) };
}

function describe(word: string, text: string): string {
  if (word === 'XFAIL') return text ? `xfailed: ${text}` : 'xfailed';
  if (word === 'XPASS') return text ? `xpassed: ${text}` : 'xpassed';
  return text;
}

/** A node id: a `.py` file, then `::` parts; a collection error names the file alone. */
function looksLikeId(id: string): boolean {
  if (!id || id[0] === ' ' || id.startsWith('-')) return false;
  const sep = id.indexOf('::');
  const path = sep < 0 ? id : id.slice(0, sep);
  return path.endsWith('.py') && !path.includes(' ');
}

/** Drops pytest's progress at the end: `[ 10%]`, `[100%]` or `[ 3/40]`. */
function withoutProgress(line: string): string {
  if (!line.endsWith(']')) return line;
  const open = line.lastIndexOf('[');
  if (open < 1 || line[open - 1] !== ' ') return line;
  const inner = line.slice(open + 1, -1).trim();
  let digits = 0;
  for (let i = 0; i < inner.length; i++) if (isDigit(inner.charCodeAt(i))) digits++;
  const shaped =
    (inner.endsWith('%') && digits === inner.length - 1) ||
    (inner.includes('/') && digits === inner.length - 1);
  return shaped && digits > 0 ? line.slice(0, open).trimEnd() : line;
}

/**
 * Where the outcome word is: the first ` WORD` at bracket depth 0 that ends the line or is followed by a
 * space, so an id holding ` PASSED` in its brackets keeps it; else the last such word at any depth.
 */
function outcomeAt(body: string): { index: number; word: string } | undefined {
  let depth = 0;
  let seenPy = false;
  let last: { index: number; word: string } | undefined;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === '.' && body.startsWith('.py', i)) seenPy = true;
    else if (c === ' ' && seenPy) {
      const word = wordAt(body, i + 1);
      if (!word) continue;
      const at = { index: i, word };
      if (depth === 0) return at;
      last = at;
    }
  }
  return last;
}

function wordAt(body: string, i: number): string | undefined {
  let j = i;
  while (j < body.length && j - i < 8 && body.charCodeAt(j) >= 65 && body.charCodeAt(j) <= 90) j++;
  if (j === i || (j < body.length && body[j] !== ' ')) return undefined;
  const word = body.slice(i, j);
  return word in VERBOSE_WORDS ? word : undefined;
}
