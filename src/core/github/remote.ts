/** Where a repository lives on GitHub, read from a git remote URL. */
export interface GitHubRepo {
  /** `github.com`, or a GitHub Enterprise host. */
  host: string;
  owner: string;
  repo: string;
}

export const DEFAULT_API_BASE_URL = 'https://api.github.com';

/**
 * Parses the remote URL forms git accepts for GitHub: `https://host/owner/repo(.git)`,
 * `git@host:owner/repo(.git)` (scp-like), `ssh://git@host(:port)/owner/repo(.git)` and `git://`.
 * Returns undefined for anything that does not name an owner and a repository.
 */
export function parseRemoteUrl(url: string): GitHubRepo | undefined {
  const text = url.trim();
  if (!text) return undefined;
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol))
      return undefined;
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp) {
    host = scp[1];
    path = scp[2];
  } else {
    return undefined;
  }
  const parts = path.replace(/^\/+|\/+$/g, '').split('/');
  // GitHub Enterprise may serve repositories below a path prefix; owner/repo are the last two parts.
  if (parts.length < 2) return undefined;
  const owner = parts[parts.length - 2];
  const repo = parts[parts.length - 1].replace(/\.git$/i, '');
  const name = /^[A-Za-z0-9_.-]+$/;
  if (!host || !name.test(owner) || !name.test(repo) || repo === '.' || repo === '..') return undefined;
  return { host: host.toLowerCase(), owner, repo };
}

/**
 * The text with the credentials of every URL in it removed (`https://user:secret@host/…` ->
 * `https://host/…`): remote URLs and git's messages are shown and logged only this way.
 */
export function withoutCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1');
}
