import * as vscode from 'vscode';

/** How long a new terminal's shell gets to report shell integration before the command is typed in blind. */
const SHELL_INTEGRATION_WAIT_MS = 3000;

/**
 * Runs a fix's command line in a terminal, where the person sees it (and can stop it); `env` is what Django's
 * settings add. When the shell reports its commands (VS Code's shell integration: bash, zsh, fish, pwsh),
 * `ended` is called once the command has ended, so the checks can run again by themselves; a shell that never
 * reports them gets the line typed in, and the person checks again.
 */
export async function runFixInTerminal(
  commandLine: string,
  cwd: string | undefined,
  env: Record<string, string> | undefined,
  ended: (exitCode: number | undefined) => void,
): Promise<void> {
  const terminal = vscode.window.createTerminal({ name: 'Codespace fix', cwd, env });
  const listeners: vscode.Disposable[] = [];
  const done = () => listeners.forEach((l) => l.dispose());
  listeners.push(
    // The terminal is the fix's own: the first command that ends in it is the fix. A line typed in before the
    // shell reported its integration (a busy machine) is still reported once the shell runs it.
    vscode.window.onDidEndTerminalShellExecution((e) => {
      if (e.terminal !== terminal) return;
      done();
      ended(e.exitCode);
    }),
    // Closed before the command ended: nothing to wait for any more.
    vscode.window.onDidCloseTerminal((t) => t === terminal && done()),
  );
  terminal.show();
  const integration = await shellIntegration(terminal);
  if (integration) integration.executeCommand(commandLine);
  else terminal.sendText(commandLine, true);
}

/** The terminal's shell integration, once its shell reports it (undefined when it does not in time). */
function shellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
  return new Promise((resolve) => {
    const finish = (integration: vscode.TerminalShellIntegration | undefined) => {
      clearTimeout(timer);
      changed.dispose();
      resolve(integration);
    };
    const timer = setTimeout(() => finish(terminal.shellIntegration), SHELL_INTEGRATION_WAIT_MS);
    const changed = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal === terminal) finish(e.shellIntegration);
    });
  });
}
