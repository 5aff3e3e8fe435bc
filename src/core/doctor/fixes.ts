import type { Fix } from './types';

/** Commands a fix may name. VS Code's own, and the doctor's (declared in package.json and src/ids.ts). */
export const FixCommandIds = {
  openSettings: 'workbench.action.openSettings',
  /** Runs a command line in a terminal the person sees: args `[commandLine, cwd, env?]`. */
  runInTerminal: 'codespaceTests.doctor.runInTerminal',
  setGitHubToken: 'codespaceTests.ci.setToken',
  startDjango: 'codespaceTests.django.start',
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
