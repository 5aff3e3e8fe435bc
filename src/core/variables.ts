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

/** Parses a `.env` file: `KEY=value`, `export KEY=value`, quotes, `#` comments. Malformed lines are skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      v = v.replace(/\s+#.*$/, '');
    }
    out[m[1]] = v;
  }
  return out;
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
