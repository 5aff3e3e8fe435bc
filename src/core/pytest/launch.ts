import { delimiter, isAbsolute, join, relative } from 'node:path';
import { resolveCommand, type ResolvedCommand } from '../python';
import { readEnvFile, shellQuote } from '../variables';
import { displayMaxLineBytes } from '../lines/lineSplitter';
import { DJANGO_PROCESS_PATTERN_ENV_VAR, MAX_LINE_BYTES_ENV_VAR, PLUGIN_MODULE } from './protocol';

/** A process to start: everything a run (or a debug launch) needs, computed without side effects. */
export interface PytestLaunch {
  command: string;
  args: string[];
  /** The arguments after the program (after `-m pytest` for a module launch): what a debugger's `args` takes. */
  pytestArgs: string[];
  env: Record<string, string>;
  cwd: string;
  /** The command line as a person would paste it. */
  display: string;
}

export interface LaunchInput {
  /** The configured command, already resolved (`uv run pytest`, or `<python> -m pytest` without uv). */
  base: ResolvedCommand;
  mode: 'run' | 'collect';
  /** The governing pytest.ini; its folder is pytest's rootdir. */
  ini: string;
  /** Run mode: node ids relative to the rootdir. Collect mode: ignored. */
  nodeIds?: readonly string[];
  /** Collect mode: the paths to collect (absolute); the rootdir when empty. */
  collectPaths?: readonly string[];
  extraArgs: readonly string[];
  cwd: string;
  /** The extension's environment (process.env) the others are laid over, in order. */
  baseEnv: Readonly<Record<string, string | undefined>>;
  envFile?: Readonly<Record<string, string>>;
  settingsEnv?: Readonly<Record<string, string>>;
  /** Django's URL and key, the results channel address. */
  extraEnv?: Readonly<Record<string, string>>;
  /** Folder holding the plugin module (out/python). */
  pluginDir: string;
  /** Folders put first on PYTHONPATH, before the plugin's (the Coverage run's start-up). */
  pythonPathFirst?: readonly string[];
  /** Colors in the run's output (the Test Results terminal shows them). */
  color?: boolean;
  /** Which child of the session is its own Django, whose output the plugin tees (codespaceTests.django.processPattern). */
  djangoProcessPattern?: string;
  /** The bound of a teed line (codespaceTests.output.maxLineBytes). */
  maxLineBytes?: number;
}

/** The pytest command for a run or a collection: a pure function of its input. */
export function buildPytestLaunch(input: LaunchInput): PytestLaunch {
  const rootdir = join(input.ini, '..');
  const pytestArgs = [
    '-p',
    PLUGIN_MODULE,
    '-c',
    displayPath(input.ini, input.cwd),
    '--rootdir',
    displayPath(rootdir, input.cwd),
  ];
  if (input.mode === 'collect') {
    pytestArgs.push('--collect-only', '-q');
    const paths = input.collectPaths?.length ? input.collectPaths : [rootdir];
    pytestArgs.push(...paths.map((p) => displayPath(p, input.cwd)));
  } else {
    if (input.color) pytestArgs.push('--color=yes');
    pytestArgs.push(...input.extraArgs);
    pytestArgs.push(...(input.nodeIds ?? []).map((id) => nodeIdArg(id, rootdir, input.cwd)));
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.baseEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, input.envFile ?? {}, input.settingsEnv ?? {}, input.extraEnv ?? {});
  env.PYTHONPATH = [
    ...(input.pythonPathFirst ?? []),
    input.pluginDir,
    ...(env.PYTHONPATH ? [env.PYTHONPATH] : []),
  ].join(delimiter);
  env.PYTHONUNBUFFERED = '1';
  if (input.djangoProcessPattern) env[DJANGO_PROCESS_PATTERN_ENV_VAR] = input.djangoProcessPattern;
  if (input.maxLineBytes) env[MAX_LINE_BYTES_ENV_VAR] = String(input.maxLineBytes);
  const args = [...input.base.args, ...pytestArgs];
  return {
    command: input.base.command,
    args,
    pytestArgs,
    env,
    cwd: input.cwd,
    display: [input.base.command, ...args].map(shellQuote).join(' '),
  };
}

/** A rootdir-relative node id as a command-line argument (pytest resolves arguments from the working directory). */
export function nodeIdArg(nodeid: string, rootdir: string, cwd: string): string {
  const sep = nodeid.indexOf('::');
  const file = sep < 0 ? nodeid : nodeid.slice(0, sep);
  return displayPath(join(rootdir, file), cwd) + (sep < 0 ? '' : nodeid.slice(sep));
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export interface LaunchSettings {
  command: string;
  interpreter: string;
  extraArgs: string[];
  env: Record<string, string>;
  /** Path of a `.env` file; ignored when missing. */
  envFile?: string;
  cwd: string;
  /** codespaceTests.django.processPattern. */
  djangoProcessPattern?: string;
}

/** Resolves the command (uv fallback) and reads the `.env` file: the inputs of `buildPytestLaunch` that touch the disk. */
async function resolveLaunchInputs(
  settings: LaunchSettings,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<{ base: ResolvedCommand; envFile: Record<string, string> }> {
  const base = await resolveCommand(settings.command, settings.interpreter, baseEnv);
  return { base, envFile: await readEnvFile(settings.envFile) };
}

/** What one launch adds to the folder's settings: the mode, the tests, and the run's own variables. */
export type LaunchTarget = Pick<
  LaunchInput,
  'mode' | 'ini' | 'nodeIds' | 'collectPaths' | 'extraEnv' | 'pluginDir' | 'color' | 'pythonPathFirst'
>;

/**
 * The launch for a folder's settings: the one place the run, the collection, the CLI and the benchmarks
 * turn settings into a pytest command. `fallback` says when `uv` was missing and Python is used instead.
 */
export async function launchFromSettings(
  settings: LaunchSettings,
  target: LaunchTarget,
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<{ launch: PytestLaunch; fallback?: string }> {
  const { base, envFile } = await resolveLaunchInputs(settings, baseEnv);
  const launch = buildPytestLaunch({
    ...target,
    base,
    extraArgs: settings.extraArgs,
    cwd: settings.cwd,
    baseEnv,
    envFile,
    settingsEnv: settings.env,
    djangoProcessPattern: settings.djangoProcessPattern,
    maxLineBytes: displayMaxLineBytes(),
  });
  return { launch, fallback: base.fallback };
}
