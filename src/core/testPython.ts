import { resolveCommand, which } from './python';
import { shellQuote, splitCommandLine } from './variables';

/** How the configured test command resolves: `uv` found, `uv` missing (the interpreter instead), or as written. */
export type TestCommand =
  | { kind: 'uv'; uv: string; words: string[] }
  | { kind: 'fallback'; words: string[]; note: string }
  | { kind: 'plain'; words: string[] }
  | { kind: 'broken'; message: string };

export async function testCommand(command: string, interpreter: string): Promise<TestCommand> {
  const words = splitCommandLine(command.trim());
  if (!words.length) return { kind: 'broken', message: 'codespaceTests.tests.command is empty.' };
  if (words[0] === 'uv') {
    const uv = await which('uv');
    if (uv) return { kind: 'uv', uv, words };
  }
  try {
    const r = await resolveCommand(command, interpreter);
    const resolved = [r.command, ...r.args];
    return r.fallback ? { kind: 'fallback', words: resolved, note: r.fallback } : { kind: 'plain', words };
  } catch (e) {
    return { kind: 'broken', message: (e as Error).message };
  }
}

/** A Python that takes `-c` and `-m`, and how a person would type it. */
export interface TestPython {
  command: string;
  args: string[];
  display: string;
  /** The project runs through uv (`uv run …`): packages are added with `uv add`. */
  uv: boolean;
}

/** The Python the tests run under: `uv run python` (with the command's uv options), or the interpreter. */
export function testPythonOf(c: TestCommand, interpreter: string): TestPython {
  const make = (command: string, args: string[], uv: boolean): TestPython => ({
    command,
    args,
    uv,
    display: [command, ...args].map(shellQuote).join(' '),
  });
  if (c.kind === 'uv') {
    const at = c.words.findIndex((w) => /^(pytest|py\.test)$/.test(w));
    return at > 0
      ? make(c.words[0], [...c.words.slice(1, at), 'python'], true)
      : make(c.uv, ['run', 'python'], true);
  }
  if (c.kind !== 'broken') {
    const m = c.words.indexOf('-m');
    if (m > 0 && c.words[m + 1] === 'pytest') return make(c.words[0], c.words.slice(1, m), false);
  }
  return make(interpreter, [], false);
}

/** The tests' Python for a test command and interpreter (the settings). */
export async function testPython(command: string, interpreter: string): Promise<TestPython> {
  return testPythonOf(await testCommand(command, interpreter), interpreter);
}
