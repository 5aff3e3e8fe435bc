import * as vscode from 'vscode';
import { tokenMayGo, type Destination, type TokenSource } from '../core/github/destination';

export type { TokenSource } from '../core/github/destination';

export interface GitHubToken {
  value: string;
  source: TokenSource;
}

export type GitHubDestination = Extract<Destination, { kind: 'github' }>;

/** Where "Set GitHub Token…" keeps the token: VS Code's secret storage, never a setting. */
const SECRET_KEY = 'codespaceTests.githubToken';
/** Tests and `npm start` may hand a token to a development or test host through this variable. */
export const TEST_TOKEN_VARIABLE = 'CODESPACE_TESTS_GITHUB_TOKEN';

const SCOPES = ['repo', 'workflow'];

/**
 * The tokens for GitHub's API, in order: the one stored by "Set GitHub Token…", VS Code's sign-in
 * (silently), the codespace's `GITHUB_TOKEN`, and with `interactive` the sign-in asked for last.
 * Each goes only where `tokenMayGo` allows: a sign-in's token only to its own server's API.
 */
export class GitHubTokens {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    /** Not the production mode: TEST_TOKEN_VARIABLE is honoured. */
    private readonly testHost: boolean,
  ) {}

  async resolve(
    dest: GitHubDestination,
    opts: { interactive: boolean; forceNewSession?: boolean },
  ): Promise<GitHubToken | undefined> {
    if (opts.forceNewSession) {
      const session = await this.session(dest, {
        forceNewSession: { detail: 'GitHub did not accept the last token. Sign in again to trigger CI.' },
      });
      return session ? { value: session.accessToken, source: 'session' } : undefined;
    }
    const stored = (await this.secrets.get(SECRET_KEY))?.trim();
    if (stored) return { value: stored, source: 'stored' };
    const fromTests = this.testHost ? process.env[TEST_TOKEN_VARIABLE]?.trim() : undefined;
    if (fromTests) return { value: fromTests, source: 'testEnvironment' };
    const silent = await this.session(dest, { silent: true });
    if (silent) return { value: silent.accessToken, source: 'session' };
    const codespace = process.env.CODESPACES === 'true' ? process.env.GITHUB_TOKEN?.trim() : undefined;
    if (codespace && tokenMayGo('codespace', dest)) return { value: codespace, source: 'codespace' };
    if (!opts.interactive) return undefined;
    const session = await this.session(dest, { createIfNone: true });
    return session ? { value: session.accessToken, source: 'session' } : undefined;
  }

  store(token: string): Thenable<void> {
    return this.secrets.store(SECRET_KEY, token);
  }

  clear(): Thenable<void> {
    return this.secrets.delete(SECRET_KEY);
  }

  async hasStored(): Promise<boolean> {
    return Boolean(await this.secrets.get(SECRET_KEY));
  }

  private async session(
    dest: GitHubDestination,
    options: vscode.AuthenticationGetSessionOptions,
  ): Promise<vscode.AuthenticationSession | undefined> {
    if (!tokenMayGo('session', dest)) return undefined;
    try {
      return await vscode.authentication.getSession(dest.provider, SCOPES, options);
    } catch {
      // Declined, or no such authentication provider in this host.
      return undefined;
    }
  }
}

/** Why there is no token, and what to do. */
export function noTokenMessage(dest: GitHubDestination): string {
  if (dest.custom)
    return `\`codespaceTests.ci.apiBaseUrl\` points at ${dest.apiBaseUrl}: only a token you set with "Codespace Tests: Set GitHub Token…" is sent there. Set one, or clear the setting to use your GitHub sign-in.`;
  const server = dest.provider === 'github' ? 'GitHub' : `GitHub Enterprise (${dest.webHost})`;
  return `Triggering CI needs a sign-in to ${server} with the \`repo\` and \`workflow\` scopes. Run the command again and sign in, or use "Codespace Tests: Set GitHub Token…".`;
}

/** What to tell the person about a token GitHub refused, depending on where it came from. */
export function tokenAdvice(source: TokenSource): string {
  switch (source) {
    case 'stored':
      return 'The token was set with "Set GitHub Token…": set a new one, or run "Clear GitHub Token" to use your GitHub sign-in.';
    case 'testEnvironment':
      return `The token comes from the ${TEST_TOKEN_VARIABLE} environment variable of this test host: fix or unset it.`;
    case 'codespace':
      return "The token is the codespace's GITHUB_TOKEN; sign in to GitHub in VS Code for one with the `repo` and `workflow` scopes.";
    case 'session':
      return 'Sign in to GitHub again.';
  }
}

/** A token as typed: printable ASCII without spaces, as GitHub's tokens are (so it cannot break a header). */
export function validateTokenText(text: string): string | undefined {
  const t = text.trim();
  if (!t) return 'Paste the token (it is kept in VS Code’s secret storage).';
  if (!/^[\x21-\x7e]+$/.test(t)) return 'A GitHub token has no spaces or special characters; paste it again.';
  return undefined;
}
