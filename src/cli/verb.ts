import { parseArgs } from 'node:util';

/** One command-line option of a verb, with the text `--help` shows. */
interface VerbOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in the help (`DIR`, `PATH`); strings only. */
  value?: string;
  help: string;
}

type VerbOptions = Record<string, VerbOption>;

/** What parseArgs gives a verb: its options by name, and the positionals. */
export interface VerbArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * One verb of `codespace-tests`: a file under src/cli/ exporting this, plus one line in src/cli.ts.
 * `run` returns the exit code and has written all its output (through ./output) when it resolves.
 */
export interface Verb {
  name: string;
  /** One line for the verb list. */
  summary: string;
  /** What follows the verb name in the usage line, e.g. `[--json] [DIR]`. */
  usage: string;
  options: VerbOptions;
  /** Extra lines after the options in the verb's help (examples, exit codes). */
  details?: string;
  run(args: VerbArgs): Promise<number>;
  /** The workspace the verb reads settings from, when not `--workspace` (discover's positional DIR). */
  workspaceOf?(args: VerbArgs): string;
}

/** Options every verb takes. */
const COMMON_OPTIONS: VerbOptions = {
  verbose: { type: 'boolean', help: 'also log debug lines to stderr' },
  help: { type: 'boolean', short: 'h', help: "show this verb's help" },
};

export class UsageError extends Error {}

/** Parses a verb's arguments strictly: an unknown flag is a usage error that names the verb's help. */
export function parseVerbArgs(verb: Verb, argv: string[]): VerbArgs {
  const all = { ...verb.options, ...COMMON_OPTIONS };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as VerbArgs['values'], positionals };
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message}\nRun "codespace-tests ${verb.name} --help" for its options.`,
    );
  }
}

/** A verb's `--help` text: usage, summary, every option with its help. */
export function verbHelp(verb: Verb): string {
  const rows = Object.entries({ ...verb.options, ...COMMON_OPTIONS }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [flag, o.help + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    `usage: codespace-tests ${verb.name} ${verb.usage}`,
    '',
    verb.summary,
    '',
    'options:',
    ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`),
    ...(verb.details ? ['', verb.details] : []),
  ].join('\n');
}

/** The tool's `--help`: every verb with its usage and its flags. */
export function toolHelp(verbs: readonly Verb[]): string {
  const lines = [
    'codespace-tests: the Test Explorer of the Codespace Integration Tests extension, without VS Code.',
    '',
    'usage: codespace-tests <verb> [options]',
    '',
    'verbs:',
  ];
  for (const v of verbs) {
    lines.push(`  ${v.name} ${v.usage}`, `      ${v.summary}`);
    const flags = Object.entries(v.options).map(
      ([name, o]) => `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    );
    if (flags.length) lines.push(`      flags: ${flags.join(', ')}`);
  }
  lines.push(
    '',
    'Every verb also takes --verbose and --help.',
    'Run "codespace-tests <verb> --help" for what each flag does.',
  );
  return lines.join('\n');
}
