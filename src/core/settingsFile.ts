import { readFile } from 'node:fs/promises';
// The ESM build: the package's UMD main loads its parts with a dynamic require that a bundle cannot follow.
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main';

/**
 * A workspace's `.vscode/settings.json` read without VS Code (the CLI, the benchmarks): JSON with comments
 * and trailing commas, read with VS Code's own parser (`jsonc-parser`). Like VS Code, a file with syntax
 * errors still yields the settings it could read, and says what is wrong.
 */
type SettingsFile =
  { kind: 'missing' } | { kind: 'read'; values: ReadonlyMap<string, unknown>; problem?: string };

export async function readSettingsFile(path: string): Promise<SettingsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { kind: 'missing' };
  }
  return parseSettingsText(text, path);
}

/** Parses the text of a settings file; never throws (a hostile file yields no settings and a problem). */
export function parseSettingsText(text: string, path = 'settings.json'): SettingsFile & { kind: 'read' } {
  const errors: ParseError[] = [];
  let doc: unknown;
  try {
    doc = parse(text, errors, { allowTrailingComma: true, allowEmptyContent: true });
  } catch (e) {
    // The parser recurses: thousands of nested brackets overflow the stack.
    return { kind: 'read', values: new Map(), problem: `${path} could not be read: ${(e as Error).message}` };
  }
  const values = new Map<string, unknown>();
  // Own keys only: a `__proto__` key must not become the prototype of what is read.
  if (doc && typeof doc === 'object' && !Array.isArray(doc))
    for (const key of Object.keys(doc)) values.set(key, (doc as Record<string, unknown>)[key]);
  const problem = errors.length
    ? `${path} has ${errors.length} syntax error(s), first ${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}; the settings around it may be ignored.`
    : doc !== undefined && values.size === 0 && (typeof doc !== 'object' || Array.isArray(doc))
      ? `${path} is not a JSON object of settings.`
      : undefined;
  return { kind: 'read', values, problem };
}

/**
 * The settings file's text with one setting set, comments and the rest of the file kept (VS Code's own
 * editing of settings.json goes through the same `modify`). An empty or missing file becomes `{ key: value }`.
 */
export function settingsTextWith(text: string, key: string, value: unknown): string {
  const base = text.trim() ? text : '{}\n';
  const edits = modify(base, [key], value, {
    formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
  });
  return applyEdits(base, edits);
}
