import { runToEnd } from '../process/childProcess';
import type { Logger } from '../logger';

/** Whether an interpreter can run `python -m debugpy`. */
type DebugpyAvailability =
  | { kind: 'available'; version: string }
  | { kind: 'missing'; message: string }
  | { kind: 'interpreterFailed'; message: string };

/** How to install debugpy into `python`, in words a person can act on. */
export function installDebugpyHint(python: string, prefixArgs: readonly string[] = []): string {
  if (prefixArgs.length)
    return `Install it with "uv add --dev debugpy" (the server runs through "${[python, ...prefixArgs].join(' ')}").`;
  const pip = `"${python} -m pip install debugpy"`;
  if (python === '/usr/bin/python3' || python === '/usr/bin/python')
    return `Install it with "sudo apt-get install python3-debugpy" (Debian/Ubuntu system Python) or ${pip}.`;
  return `Install it into that interpreter with ${pip} (or "uv add --dev debugpy" in a uv project).`;
}

/**
 * Runs `<python> -c "import debugpy"`. The Django server is debugged with the interpreter's own
 * debugpy (`python -m debugpy --listen`), so it must be importable there; a launched test does not
 * need it (the debugpy extension brings its own).
 */
export async function checkDebugpy(
  python: string,
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    logger?: Logger;
    timeoutMs?: number;
    /** Words between the program and `-c` (`uv` + `run python`). */
    prefixArgs?: readonly string[];
  },
): Promise<DebugpyAvailability> {
  const prefix = options.prefixArgs ?? [];
  const { exit, stdout, stderr } = await runToEnd({
    command: python,
    args: [...prefix, '-c', 'import debugpy; print(debugpy.__version__)'],
    cwd: options.cwd,
    env: options.env ?? process.env,
    logger: options.logger,
    name: 'debugpy check',
    timeoutMs: options.timeoutMs ?? 20_000,
  });
  if (exit.kind === 'exited' && exit.code === 0)
    return { kind: 'available', version: stdout.trim().split(/\r?\n/).pop() ?? '' };
  if (exit.kind === 'failedToStart')
    return {
      kind: 'interpreterFailed',
      message: `The Python interpreter "${python}" could not be started (${exit.error.message}). Set "codespaceTests.python.interpreter" to a Python that exists.`,
    };
  if (/No module named '?debugpy/.test(stderr))
    return {
      kind: 'missing',
      message: `debugpy is not installed for ${[python, ...prefix].join(' ')}, so the Django server cannot run under the debugger. ${installDebugpyHint(python, prefix)}`,
    };
  const last = stderr.trim().split(/\r?\n/).slice(-3).join(' | ');
  return {
    kind: 'interpreterFailed',
    message: `"${[python, ...prefix].join(' ')} -c 'import debugpy'" failed (${exit.kind === 'exited' ? `exit code ${exit.code}` : exit.signal}): ${last || 'no output'}. ${installDebugpyHint(python, prefix)}`,
  };
}
