import * as vscode from 'vscode';
import type { FolderSettings } from '../settings';

export type TokenSource = 'setting' | 'session' | 'codespace';

export interface GitHubToken {
  value: string;
  source: TokenSource;
}

const SCOPES = ['repo', 'workflow'];

/**
 * The token for GitHub's API: the `codespaceTests.ci.token` setting when set (tests, unusual
 * setups), else VS Code's GitHub sign-in, else inside a codespace its `GITHUB_TOKEN`; with
 * `interactive`, the sign-in is asked for last. The token is only ever held in memory.
 */
export async function resolveToken(
  settings: FolderSettings,
  opts: { interactive: boolean; forceNewSession?: boolean },
): Promise<GitHubToken | undefined> {
  const fromSetting = settings.get('ci.token')?.trim();
  if (fromSetting) return { value: fromSetting, source: 'setting' };
  if (opts.forceNewSession) {
    const session = await vscode.authentication.getSession('github', SCOPES, {
      forceNewSession: { detail: 'GitHub did not accept the last token. Sign in again to trigger CI.' },
    });
    return session ? { value: session.accessToken, source: 'session' } : undefined;
  }
  const silent = await getSession({ silent: true });
  if (silent) return { value: silent.accessToken, source: 'session' };
  const codespaceToken = process.env.CODESPACES === 'true' ? process.env.GITHUB_TOKEN?.trim() : undefined;
  if (codespaceToken) return { value: codespaceToken, source: 'codespace' };
  if (!opts.interactive) return undefined;
  const session = await getSession({ createIfNone: true });
  return session ? { value: session.accessToken, source: 'session' } : undefined;
}

async function getSession(
  options: vscode.AuthenticationGetSessionOptions,
): Promise<vscode.AuthenticationSession | undefined> {
  try {
    return await vscode.authentication.getSession('github', SCOPES, options);
  } catch {
    // Declined, or no GitHub authentication provider in this host.
    return undefined;
  }
}

/** What to tell the person about a token GitHub refused, depending on where it came from. */
export function tokenAdvice(source: TokenSource): string {
  switch (source) {
    case 'setting':
      return 'The token comes from the `codespaceTests.ci.token` setting: replace it, or clear it to use your GitHub sign-in.';
    case 'codespace':
      return "The token is the codespace's GITHUB_TOKEN; sign in to GitHub in VS Code for one with the `repo` and `workflow` scopes.";
    case 'session':
      return 'Sign in to GitHub again.';
  }
}
