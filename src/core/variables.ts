import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';

/** Expands `${workspaceFolder}`, `${env:NAME}` and `${userHome}` in settings values (strings, arrays, objects). */
export function expandVariables<T>(
  value: T,
  workspaceFolder: string,
  env: NodeJS.ProcessEnv = process.env,
): T {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g,
      (_m, name: string, envName?: string) => {
        if (name === 'workspaceFolder') return workspaceFolder;
        if (name === 'userHome') return env.HOME ?? '';
        return env[envName!] ?? '';
      },
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v) => expandVariables(v, workspaceFolder, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        expandVariables(v, workspaceFolder, env),
      ]),
    ) as T;
  }
  return value;
}

/** The start of an assignment line: optional `export`, a name, `=`. */
const ASSIGNMENT = /[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.]*)[ \t]*=[ \t]*/y;

/**
 * Parses a `.env` file with Node's own parser (`util.parseEnv`: quotes, multi-line quoted values, `\n` in
 * double quotes, `#` comments). Node 20's parser glues a line without `=` to the next key, loses the rest
 * of the file after a line starting with `=`, reads `\r`-only files as one line, and is quadratic on many
 * lines without `=`; so the lines are cut into assignments here first, in linear time, and anything else
 * (blank lines, comments, malformed lines, a quote never closed) is skipped. Values holding a NUL are
 * dropped: no process can receive them.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const src = text.replace(/\r\n?/g, '\n');
  const nextQuote = quoteFinder(src);
  const assignments: string[] = [];
  for (let pos = 0; pos < src.length;) {
    let end = src.indexOf('\n', pos);
    if (end < 0) end = src.length;
    ASSIGNMENT.lastIndex = pos;
    const m = ASSIGNMENT.exec(src);
    pos = end + 1;
    if (!m) continue;
    const valueAt = ASSIGNMENT.lastIndex;
    const quote = src[valueAt];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = nextQuote(quote, valueAt + 1);
      if (close < 0) continue;
      if (close > end) {
        end = src.indexOf('\n', close);
        if (end < 0) end = src.length;
        pos = end + 1;
      }
    }
    assignments.push(`${m[1]}=${src.slice(valueAt, end)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseEnv(assignments.join('\n')) as Record<string, string>))
    if (!key.includes('\0') && !value.includes('\0')) out[key] = value;
  return out;
}

/** `src.indexOf(quote, from)` for increasing `from`, each character searched at most once per quote. */
function quoteFinder(src: string): (quote: string, from: number) => number {
  const last = new Map<string, { from: number; at: number }>();
  return (quote, from) => {
    const hit = last.get(quote);
    if (hit && from >= hit.from && (hit.at < 0 || hit.at >= from)) return hit.at;
    const at = src.indexOf(quote, from);
    last.set(quote, { from, at });
    return at;
  };
}

/** Splits a command line into words, honouring single and double quotes (no shell). */
export function splitCommandLine(commandLine: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of commandLine) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
    }
  }
  if (has || cur) words.push(cur);
  return words;
}

/** Quotes a word for display in a command line a person can paste into a shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The variables of a `.env` file; none when the file is missing or unreadable (the common case). */
export async function readEnvFile(path: string | undefined): Promise<Record<string, string>> {
  if (!path) return {};
  try {
    return parseEnvFile(await readFile(path, 'utf8'));
  } catch {
    return {};
  }
}
