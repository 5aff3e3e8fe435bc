import { stripAnsi } from './ansi';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'unknown';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'unknown'];

/** What the viewer's filter bar holds; the store applies the same filter for saving and for a test's logs. */
export interface LineFilter {
  text?: string;
  regex?: boolean;
  caseSensitive?: boolean;
  /** Levels to show; absent or empty: all. */
  levels?: readonly LogLevel[];
}

export type CompiledFilter =
  | { ok: true; matches(text: string, level: LogLevel): boolean; trivial: boolean }
  | { ok: false; error: string };

/** Compiles a filter once; a bad regex is reported, never thrown. Text is matched without its ANSI codes. */
export function compileFilter(f: LineFilter = {}): CompiledFilter {
  const levelSet =
    f.levels && f.levels.length && f.levels.length < LOG_LEVELS.length ? new Set(f.levels) : undefined;
  let test: ((text: string) => boolean) | undefined;
  if (f.text) {
    if (f.regex) {
      let re: RegExp;
      try {
        re = new RegExp(f.text, f.caseSensitive ? '' : 'i');
      } catch (e) {
        return { ok: false, error: `Invalid regular expression: ${(e as Error).message}` };
      }
      test = (t) => re.test(stripAnsi(t));
    } else if (f.caseSensitive) {
      const needle = f.text;
      test = (t) => stripAnsi(t).includes(needle);
    } else {
      const needle = f.text.toLowerCase();
      test = (t) => stripAnsi(t).toLowerCase().includes(needle);
    }
  }
  return {
    ok: true,
    trivial: !test && !levelSet,
    matches: (text, level) => (!levelSet || levelSet.has(level)) && (!test || test(text)),
  };
}

const ANY_LEVEL = /\b(?:ERROR|CRITICAL|FATAL|Traceback|Exception|WARN|WARNING|INFO|DEBUG|TRACE)\b/;
const LEVEL_PATTERNS: [RegExp, LogLevel][] = [
  [/\b(ERROR|CRITICAL|FATAL|Traceback|Exception)\b/, 'error'],
  [/\b(WARN|WARNING)\b/, 'warn'],
  [/\bINFO\b/, 'info'],
  [/\b(DEBUG|TRACE)\b/, 'debug'],
];

/** A guess at a line's level from the usual markers; `unknown` when none is there. One scan for the common no-marker line. */
export function guessLevel(text: string): LogLevel {
  // Colour codes glue onto words ("\x1b[31mERROR"), hiding the word boundary: strip them first.
  const plain = stripAnsi(text.length > 400 ? text.slice(0, 400) : text);
  const head = plain.length > 300 ? plain.slice(0, 300) : plain;
  if (!ANY_LEVEL.test(head)) return 'unknown';
  for (const [re, level] of LEVEL_PATTERNS) if (re.test(head)) return level;
  return 'unknown';
}
