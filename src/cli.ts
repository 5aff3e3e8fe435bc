#!/usr/bin/env node
/**
 * codespace-tests: the Test Explorer's core without VS Code, for scripts and benchmarks.
 * A thin dispatcher: each verb is one file under src/cli/ and one line in src/cli/verbs.ts.
 */
import { resolve } from 'node:path';
import { writeAll } from './cli/output';
import { settingProblems } from './core/settings';
import { parseVerbArgs, toolHelp, UsageError, verbHelp } from './cli/verb';
import { VERBS } from './cli/verbs';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await writeAll(toolHelp(VERBS) + '\n', name === undefined ? process.stderr : process.stdout);
    return name === undefined ? 2 : 0;
  }
  const verb = VERBS.find((v) => v.name === name);
  if (!verb) {
    await writeAll(
      `codespace-tests: unknown verb "${name}"; the verbs are ${VERBS.map((v) => v.name).join(', ')}.\n` +
        'Run "codespace-tests --help" for their flags.\n',
      process.stderr,
    );
    return 2;
  }
  try {
    const args = parseVerbArgs(verb, rest);
    if (args.values.help) {
      await writeAll(verbHelp(verb) + '\n');
      return 0;
    }
    // A wrong-typed setting falls back to its default; say so before the verb decides with it.
    if ('workspace' in verb.options) {
      const workspace =
        verb.workspaceOf?.(args) ?? resolve((args.values.workspace as string | undefined) ?? '.');
      for (const p of await settingProblems(workspace))
        await writeAll(`codespace-tests: ${p}\n`, process.stderr);
    }
    return await verb.run(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    await writeAll(`codespace-tests ${verb.name}: ${e.message}\n`, process.stderr);
    return 2;
  }
}

// Never process.exit() right after writing: a pipe would lose what it had not yet taken.
// The exit code is set, and the process ends when nothing is left to do; a stray handle cannot keep it alive.
main(process.argv.slice(2)).then(
  (code) => finish(code),
  async (e: unknown) => {
    await writeAll(`codespace-tests: ${(e as Error).message}\n`, process.stderr);
    finish(1);
  },
);

function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}
