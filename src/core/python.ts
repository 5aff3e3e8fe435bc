import { access, constants } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { describeExit, runToEnd } from './process/childProcess';
import { splitCommandLine } from './variables';

/** Finds an executable on PATH (no shell); undefined when absent. */
export async function which(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (name.includes('/')) return (await isExecutable(name)) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    if (await isExecutable(full)) return full;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ResolvedCommand {
  command: string;
  args: string[];
  /** Set when the configured command was rewritten (no `uv` on PATH); said once in the log. */
  fallback?: string;
}

/** Options of `uv run` that take a value. */
export const UV_RUN_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  '--with',
  '--python',
  '-p',
  '--project',
  '--directory',
  '--env-file',
  '--group',
  '--extra',
]);

/** Python tools that `uv run <tool>` starts and that `python -m <tool>` starts too. */
const MODULE_TOOLS = new Set(['pytest', 'py.test', 'debugpy', 'django-admin']);

/**
 * Turns a configured command line (`uv run pytest`, `uv run python backend/manage.py runserver`) into a
 * command and arguments. When it starts with `uv` and `uv` is not installed, the interpreter runs the rest:
 * `uv run pytest` becomes `<python> -m pytest`, `uv run python x.py` becomes `<python> x.py`.
 */
export async function resolveCommand(
  commandLine: string,
  interpreter: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedCommand> {
  const words = splitCommandLine(commandLine.trim());
  if (words.length === 0) throw new Error('The command setting is empty.');
  if (words[0] !== 'uv' || (await which('uv', env))) {
    return { command: words[0], args: words.slice(1) };
  }
  let rest = words.slice(1);
  if (rest[0] === 'run') rest = rest.slice(1);
  // Options of `uv run` (`--no-sync`, `--frozen`, `--with x`) mean nothing without uv.
  while (rest.length && rest[0].startsWith('-')) rest = rest.slice(UV_RUN_VALUE_OPTIONS.has(rest[0]) ? 2 : 1);
  if (rest.length === 0) throw new Error(`"${commandLine}" names no program after "uv run".`);
  const [tool, ...args] = rest;
  let resolved: ResolvedCommand;
  if (/^python(3(\.\d+)?)?$/.test(tool)) resolved = { command: interpreter, args };
  else if (MODULE_TOOLS.has(tool))
    resolved = { command: interpreter, args: ['-m', tool === 'py.test' ? 'pytest' : tool, ...args] };
  else resolved = { command: tool, args };
  resolved.fallback = `"uv" is not on PATH: running "${[resolved.command, ...resolved.args].join(' ')}" instead of "${commandLine}".`;
  return resolved;
}

/** The interpreter of uv's environment, and where it came from (said in the log). */
type UvEnvironmentPython =
  { kind: 'venv'; python: string } | { kind: 'uvFind'; python: string } | { kind: 'none'; reason: string };

/**
 * The interpreter `uv run` uses in `cwd`: the project's environment (`UV_PROJECT_ENVIRONMENT`, else
 * `<project>/.venv`) when it has a Python, else what `uv python find` reports. `uvRunOptions` are the
 * options between `uv run` and the program (`--directory`, `--project` and `--python` count).
 */
export async function uvEnvironmentPython(opts: {
  uv: string;
  uvRunOptions: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<UvEnvironmentPython> {
  const option = (...names: string[]) => {
    for (let i = 0; i < opts.uvRunOptions.length - 1; i++)
      if (names.includes(opts.uvRunOptions[i])) return opts.uvRunOptions[i + 1];
    return undefined;
  };
  const project = resolve(opts.cwd, option('--directory', '--project') ?? '.');
  const venv = resolve(project, opts.env.UV_PROJECT_ENVIRONMENT || '.venv');
  const venvPython =
    process.platform === 'win32' ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python');
  if (await isExecutable(venvPython)) return { kind: 'venv', python: venvPython };
  const request = option('--python', '-p');
  const { exit, stdout, stderr } = await runToEnd({
    command: opts.uv,
    args: ['python', 'find', ...(request ? [request] : [])],
    cwd: project,
    env: opts.env,
    name: 'uv python find',
    timeoutMs: opts.timeoutMs ?? 20_000,
  });
  const found = stdout.trim().split(/\r?\n/).pop()?.trim() ?? '';
  if (exit.kind === 'exited' && exit.code === 0 && found && (await isExecutable(found)))
    return { kind: 'uvFind', python: found };
  const why = (stderr.trim().split(/\r?\n/).pop() ?? '') || describeExit(exit);
  return { kind: 'none', reason: `${venvPython} does not exist and "uv python find" found none (${why})` };
}
