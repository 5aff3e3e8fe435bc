import type { CheckResult, Fix } from './types';

/** Commands a fix may name. VS Code's own, and the doctor's (declared in package.json and src/ids.ts). */
export const FixCommandIds = {
  openSettings: 'workbench.action.openSettings',
  /** Runs a command line in a terminal the person sees: args `[commandLine, cwd, env?]`. */
  runInTerminal: 'codespaceTests.doctor.runInTerminal',
  setGitHubToken: 'codespaceTests.ci.setToken',
  startDjango: 'codespaceTests.django.start',
  /** Adds `--ignore` to the Python extension's pytestArgs once the person accepts: args `[workspaceFolder, pytestArgs]`. */
  ignoreInPythonTests: 'codespaceTests.doctor.ignoreInPythonTests',
} as const;

/** A fix that opens the Settings editor at a setting. */
export function settingFix(text: string, setting: string): Fix {
  return { text, command: FixCommandIds.openSettings, args: [`codespaceTests.${setting}`] };
}

/** A fix that runs a command line in a terminal (the person sees it and its output). */
export function terminalFix(
  text: string,
  commandLine: string,
  cwd: string,
  env?: Record<string, string>,
): Fix {
  const args = env && Object.keys(env).length ? [commandLine, cwd, env] : [commandLine, cwd];
  return { text, command: FixCommandIds.runInTerminal, args };
}

/** A terminal fix's command line, folder and environment, as terminalFix wrote them into its args. */
interface TerminalFixLine {
  commandLine: string;
  cwd: string;
  env?: Record<string, string>;
}

/**
 * The terminal fix among `checks` (the doctor's latest results) whose arguments are exactly `args`; undefined
 * when the doctor offered no such fix. The terminal command is callable by any extension: it runs only what
 * the doctor itself put on a fix button, never a command line someone else passes.
 */
export function offeredTerminalFix(
  checks: readonly CheckResult[],
  args: readonly unknown[],
): TerminalFixLine | undefined {
  const wanted = JSON.stringify(args);
  for (const c of checks) {
    const fix = c.fix;
    if (fix?.command !== FixCommandIds.runInTerminal || !fix.args) continue;
    if (JSON.stringify(fix.args) !== wanted) continue;
    const [commandLine, cwd, env] = fix.args as [string, string, Record<string, string> | undefined];
    return { commandLine, cwd, ...(env ? { env } : {}) };
  }
  return undefined;
}

/** The Python extension's pytestArgs a fix among `checks` offered for `folder`; undefined when none did. */
export function offeredPytestArgs(
  checks: readonly CheckResult[],
  args: readonly unknown[],
): string[] | undefined {
  const wanted = JSON.stringify(args);
  const fix = checks.find(
    (c) => c.fix?.command === FixCommandIds.ignoreInPythonTests && JSON.stringify(c.fix.args) === wanted,
  )?.fix;
  return fix ? (fix.args![1] as string[]) : undefined;
}
