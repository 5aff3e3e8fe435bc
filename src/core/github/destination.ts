import { DEFAULT_API_BASE_URL, type GitHubRepo } from './remote';

/** Which VS Code authentication provider signs in to the repository's GitHub. */
type AuthProvider = 'github' | 'github-enterprise';

/**
 * Where GitHub calls for a repository go. Only github.com and the GitHub Enterprise server named
 * in the user's `github-enterprise.uri` are GitHub: for any other host nothing is sent.
 */
export type Destination =
  | {
      kind: 'github';
      provider: AuthProvider;
      apiBaseUrl: string;
      /** The host whose https pages may be opened (run pages, SSO authorization). */
      webHost: string;
      /** The API base comes from `codespaceTests.ci.apiBaseUrl`: only the stored token goes there. */
      custom: boolean;
    }
  | { kind: 'refused'; reason: string };

/** Where a token came from; each may go to fewer places (see `tokenMayGo`). */
export type TokenSource = 'stored' | 'session' | 'codespace' | 'testEnvironment';

export interface DestinationSettings {
  /** `codespaceTests.ci.apiBaseUrl` (application scope: only the user's own settings). */
  apiBaseUrl?: string;
  /** `github-enterprise.uri`, from the user's own settings only. */
  enterpriseUri?: string;
}

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The API base URL for a repository, or why nothing may be sent for it (`remote` names it in that reason). */
export function destinationFor(
  repo: GitHubRepo,
  settings: DestinationSettings,
  remote = 'The remote',
): Destination {
  const enterprise = enterpriseOrigin(settings.enterpriseUri);
  let provider: AuthProvider;
  let apiBaseUrl: string;
  let webHost: string;
  if (repo.host === 'github.com' || repo.host === 'www.github.com') {
    provider = 'github';
    apiBaseUrl = DEFAULT_API_BASE_URL;
    webHost = 'github.com';
  } else if (enterprise.kind === 'ok' && enterprise.hostname === repo.host) {
    provider = 'github-enterprise';
    apiBaseUrl = `${enterprise.origin}/api/v3`;
    webHost = enterprise.host;
  } else {
    const hint =
      enterprise.kind === 'invalid'
        ? ` (\`github-enterprise.uri\` is set, but ${enterprise.reason})`
        : enterprise.kind === 'ok'
          ? ` (\`github-enterprise.uri\` names ${enterprise.hostname}, not ${repo.host})`
          : '';
    return {
      kind: 'refused',
      reason: `${remote} is on ${repo.host}, which is not GitHub${hint}, so nothing was sent to it. CI runs only on github.com, or on a GitHub Enterprise server: for one, set \`github-enterprise.uri\` in your user settings to https://${repo.host}.`,
    };
  }
  const configured = (settings.apiBaseUrl ?? '').trim().replace(/\/+$/, '');
  if (!configured || configured === DEFAULT_API_BASE_URL)
    return { kind: 'github', provider, apiBaseUrl, webHost, custom: false };
  const checked = checkApiBaseUrl(configured);
  if (checked) return { kind: 'refused', reason: checked };
  return { kind: 'github', provider, apiBaseUrl: configured, webHost, custom: true };
}

/** Why an API base URL may not receive a token, or undefined when it may (https, or http on loopback). */
export function checkApiBaseUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `\`codespaceTests.ci.apiBaseUrl\` (${url}) is not a URL. Set it to https://api.github.com, or to https://HOST/api/v3 for GitHub Enterprise.`;
  }
  if (parsed.username || parsed.password)
    return '`codespaceTests.ci.apiBaseUrl` holds a user name or password; remove them from the URL (set the token with "Set GitHub Token…").';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return undefined;
  return `\`codespaceTests.ci.apiBaseUrl\` (${parsed.origin}) must be an https:// URL (http:// only on this machine's loopback), so the token is never sent in the clear.`;
}

/** Whether a token from `source` may be sent to `dest`. */
export function tokenMayGo(source: TokenSource, dest: Extract<Destination, { kind: 'github' }>): boolean {
  switch (source) {
    case 'stored':
    case 'testEnvironment':
      return true;
    case 'session':
      // A sign-in's token only to the API of the server it signed in to.
      return !dest.custom;
    case 'codespace':
      return !dest.custom && dest.provider === 'github';
  }
}

/** The https pages that may be opened: only on github.com or the user's GitHub Enterprise host. */
export function webUrlAllowed(url: string, enterpriseUri: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  const enterprise = enterpriseOrigin(enterpriseUri);
  const hosts = ['github.com', ...(enterprise.kind === 'ok' ? [enterprise.host] : [])];
  return hosts.includes(parsed.host.toLowerCase());
}

type EnterpriseOrigin =
  | { kind: 'ok'; origin: string; host: string; hostname: string }
  | { kind: 'unset' }
  | { kind: 'invalid'; reason: string };

function enterpriseOrigin(uri: string | undefined): EnterpriseOrigin {
  const text = (uri ?? '').trim();
  if (!text) return { kind: 'unset' };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { kind: 'invalid', reason: 'it is not a URL' };
  }
  if (parsed.protocol !== 'https:') return { kind: 'invalid', reason: 'it is not an https:// URL' };
  if (parsed.username || parsed.password)
    return { kind: 'invalid', reason: 'it holds a user name or password' };
  return {
    kind: 'ok',
    origin: parsed.origin,
    host: parsed.host.toLowerCase(),
    hostname: parsed.hostname.toLowerCase(),
  };
}

/** What VS Code's `inspect()` reports of a setting, by where it is set. */
interface SettingScopes {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The user's own value of a setting that decides where the token goes, or undefined. A workspace or folder
 * value is never taken (a cloned repository could otherwise send the token anywhere), whatever the manifest's
 * `scope` says.
 */
export function userScopeString(scopes: SettingScopes | undefined): string | undefined {
  const value = scopes?.globalValue;
  return typeof value === 'string' ? value : undefined;
}
