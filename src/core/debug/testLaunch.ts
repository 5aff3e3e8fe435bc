import { basename, delimiter } from 'node:path';
import { UV_RUN_VALUE_OPTIONS, uvEnvironmentPython } from '../python';
import {
  DEBUG_TEST_PURPOSE,
  DEBUGPY_TYPE,
  DEBUGPY_TYPES,
  type DebugConfig,
  type TestLaunchConfig,
} from './types';

/** What `python -m pytest` is run with: the interpreter and pytest's own arguments. */
interface PytestInvocation {
  python: string;
  /** Everything after `-m pytest`: `-p plugin`, `-c <pytest.ini>`, node ids, extra args. */
  pytestArgs: string[];
}

const isPythonName = (word: string) => /^python(\d+(\.\d+)*)?$/.test(basename(word));
const isPytestName = (word: string) => ['pytest', 'py.test'].includes(basename(word));

/**
 * Finds the interpreter and pytest arguments in the command a normal run uses, so the debugger runs
 * exactly that test session under `module: pytest`. `interpreter` is used when the command does not
 * name one (`uv run pytest`, a bare `pytest` script). Returns an error message for commands that do
 * not run pytest through Python.
 */
export function pytestInvocation(
  run: { command: string; args: readonly string[] },
  interpreter: string,
): PytestInvocation | { error: string } {
  let words = [run.command, ...run.args];
  let python = interpreter;
  if (basename(words[0]) === 'uv') {
    words = words.slice(1);
    if (words[0] === 'run') words = words.slice(1);
    while (words.length && words[0].startsWith('-'))
      words = words.slice(UV_RUN_VALUE_OPTIONS.has(words[0]) ? 2 : 1);
  }
  if (words.length && isPythonName(words[0])) {
    python = words[0] === 'python' && basename(run.command) === 'uv' ? interpreter : words[0];
    words = words.slice(1);
    if (words[0] === '-m' && isPytestName(words[1] ?? '')) return { python, pytestArgs: words.slice(2) };
  } else if (words.length && isPytestName(words[0])) {
    return { python, pytestArgs: words.slice(1) };
  }
  return {
    error:
      `Cannot debug tests run by "${[run.command, ...run.args].slice(0, 4).join(' ')}…": the debugger ` +
      'starts pytest as a Python module. Set "codespaceTests.tests.command" to "uv run pytest" or ' +
      '"python -m pytest".',
  };
}

/**
 * The interpreter a debugged test runs under, so it sees the packages a run sees. Runs through `uv`
 * use uv's environment (the project's `.venv`, else `uv python find`); other commands name their own
 * interpreter or use `interpreter`. `note` says what was chosen, or why uv's could not be used.
 */
export async function debugInterpreter(
  run: { command: string; args: readonly string[]; cwd: string; env: Record<string, string | undefined> },
  interpreter: string,
): Promise<{ python: string; note?: string }> {
  if (basename(run.command) !== 'uv') return { python: interpreter };
  const words = run.args[0] === 'run' ? run.args.slice(1) : [...run.args];
  const options: string[] = [];
  for (let i = 0; i < words.length && words[i].startsWith('-'); i++) {
    options.push(words[i]);
    if (UV_RUN_VALUE_OPTIONS.has(words[i]) && i + 1 < words.length) options.push(words[++i]);
  }
  const found = await uvEnvironmentPython({
    uv: run.command,
    uvRunOptions: options,
    cwd: run.cwd,
    env: run.env,
  });
  if (found.kind === 'none')
    return {
      python: interpreter,
      note:
        `Debugging with ${interpreter}, not uv's environment: ${found.reason}. Run "uv sync" in ${run.cwd} ` +
        'so a debugged test sees the packages a run sees.',
    };
  const from = found.kind === 'venv' ? "the project's environment" : '"uv python find"';
  return {
    python: found.python,
    note: `Debugging with ${found.python} (${from}), the interpreter "uv run" uses.`,
  };
}

/**
 * The first launch.json entry marked for test debugging, the way the Python extension picks it: it has
 * a name, its type is `debugpy` or `python`, and its `purpose` includes `debug-test` (or its request
 * is the legacy `test`). Anything malformed is skipped, never thrown on.
 */
export function findTestDebugConfig(configurations: unknown): DebugConfig | undefined {
  if (!Array.isArray(configurations)) return undefined;
  for (const c of configurations) {
    if (!c || typeof c !== 'object') continue;
    const cfg = c as Record<string, unknown>;
    if (typeof cfg.name !== 'string' || !cfg.name) continue;
    if (typeof cfg.type !== 'string' || !DEBUGPY_TYPES.includes(cfg.type)) continue;
    const purpose = Array.isArray(cfg.purpose) ? cfg.purpose : [];
    if (cfg.request === 'test' || purpose.includes(DEBUG_TEST_PURPOSE)) return cfg as DebugConfig;
  }
  return undefined;
}

interface TestLaunchInput {
  invocation: PytestInvocation;
  cwd: string;
  /** The variables the run adds to the environment (settings, `.env`, Django, the plugin's side channel). */
  env: Record<string, string>;
  /** Names in `env` the run must control (side channel, Django URL and key): launch.json cannot override them. */
  requiredEnv: readonly string[];
  /** Setting `codespaceTests.debug.justMyCode`; a launch.json entry's own `justMyCode` wins. */
  justMyCode: boolean;
  /** Setting `codespaceTests.debug.launchProperties`: merged over launch.json and defaults. */
  launchProperties?: Record<string, unknown>;
  /** The launch.json entry marked for test debugging, when there is one. */
  base?: DebugConfig;
  name?: string;
}

/** Keys a test run decides; neither launch.json nor the settings may change them. */
const RUN_OWNED = new Set(['type', 'request', 'module', 'program', 'code', 'args', 'cwd', 'env', 'purpose']);

/**
 * The `debugpy` launch configuration for a test run. Like the Python extension: a launch.json entry
 * marked `"purpose": ["debug-test"]` is the base, defaults fill what it leaves out (`internalConsole`,
 * `redirectOutput`, `showReturnValue`, `subProcess`), and what the run needs (module, arguments,
 * working directory, the side-channel variables) overrides it. `purpose` is cleared so the result is
 * never mistaken for an F5 configuration. Its own `python` and `env` entries are kept.
 */
export function buildTestLaunchConfig(input: TestLaunchInput): TestLaunchConfig {
  const base = input.base ?? { type: DEBUGPY_TYPE, request: 'launch', name: '' };
  const props = input.launchProperties ?? {};
  const fromUser: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...base, ...props })) if (!RUN_OWNED.has(k)) fromUser[k] = v;

  const userEnv = { ...stringRecord(base.env), ...stringRecord(props.env) };
  const env: Record<string, string> = { ...input.env, ...userEnv };
  for (const key of input.requiredEnv) if (key in input.env) env[key] = input.env[key];
  // The plugin must stay importable: the user's PYTHONPATH is added to ours, never replaces it.
  if (input.env.PYTHONPATH && userEnv.PYTHONPATH && userEnv.PYTHONPATH !== input.env.PYTHONPATH)
    env.PYTHONPATH = `${input.env.PYTHONPATH}${delimiter}${userEnv.PYTHONPATH}`;

  const python = typeof fromUser.python === 'string' && fromUser.python ? fromUser.python : undefined;
  return {
    console: 'internalConsole',
    redirectOutput: true,
    showReturnValue: true,
    subProcess: true,
    stopOnEntry: false,
    ...fromUser,
    name: input.name ?? (base.name || 'Debug Integration Tests'),
    type: DEBUGPY_TYPE,
    request: 'launch',
    module: 'pytest',
    python: python ?? input.invocation.python,
    args: [...input.invocation.pytestArgs],
    cwd: input.cwd,
    env,
    justMyCode: typeof fromUser.justMyCode === 'boolean' ? fromUser.justMyCode : input.justMyCode,
    purpose: [],
  };
}

/** The variables of `full` that are new or different from `base`: what a run adds to the inherited environment. */
export function envDelta(
  full: Record<string, string | undefined>,
  base: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(full)) if (v !== undefined && base[k] !== v) out[k] = v;
  return out;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}
