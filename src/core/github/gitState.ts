import { runToEnd } from '../process/childProcess';
import { Backoff } from '../backoff';
import { pause, type CancelToken } from '../cancel';
import type { Logger } from '../logger';
import { withoutCredentials } from './remote';

/** What CI would see of the local branch: CI runs what is on the remote, not what is local. */
export type BranchState =
  | { kind: 'notARepository'; reason: string }
  | { kind: 'detached'; sha: string }
  | {
      kind: 'branch';
      branch: string;
      /** The remote the branch tracks, else `origin` (or the only remote). Undefined: no remote at all. */
      remote: string | undefined;
      /** The remote's URL as configured (before any `url.*.insteadOf` rewriting). */
      remoteUrl: string | undefined;
      upstream: { remote: string; branch: string } | undefined;
      /** Commits on the branch that the upstream lacks, and the reverse (0 without an upstream). */
      ahead: number;
      behind: number;
      /** Set when `git fetch` failed: ahead/behind then compare with the last known upstream. */
      fetchError?: string;
    };

interface GitOptions {
  cwd: string;
  logger?: Logger;
  token?: CancelToken;
  env?: Record<string, string | undefined>;
}

const GIT_TIMEOUT_MS = 60_000;

/** Runs git and returns trimmed stdout, or throws with git's own message. */
export async function git(args: string[], opts: GitOptions): Promise<string> {
  const { exit, stdout, stderr } = await runToEnd({
    command: 'git',
    args,
    cwd: opts.cwd,
    // Never wait for a credential prompt nobody can see.
    env: { ...(opts.env ?? process.env), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    token: opts.token,
    logger: opts.logger,
    name: `git ${args[0]}`,
    timeoutMs: GIT_TIMEOUT_MS,
  });
  if (exit.kind === 'exited' && exit.code === 0) return stdout.trim();
  if (exit.kind === 'failedToStart')
    throw new Error(exit.notFound ? 'git is not installed or not on PATH.' : exit.error.message);
  // git's reason is its first `fatal:`/`error:` line; what follows is advice.
  const lines = stderr.trim().split('\n').filter(Boolean);
  const why = (lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? `git ${args[0]} failed`).replace(
    /^(fatal|error):\s*/,
    '',
  );
  // git may quote a remote URL with its user name and password: they are never shown or logged.
  throw new Error(
    exit.kind === 'signalled' ? `git ${args[0]} was stopped (${exit.signal}).` : withoutCredentials(why),
  );
}

async function tryGit(args: string[], opts: GitOptions): Promise<string | undefined> {
  try {
    return await git(args, opts);
  } catch {
    return undefined;
  }
}

/**
 * Reads the branch, its upstream and how far apart they are. With `fetch`, the upstream's
 * remote is fetched first so "behind" is true now, not as of the last fetch.
 * `branch` overrides the checked-out branch name (from the Git extension when it knows better).
 */
export async function readBranchState(
  opts: GitOptions & { fetch: boolean; branch?: string },
): Promise<BranchState> {
  // Three git processes where eight would do the same (the Codespace view asks on every check).
  const head = await readHead(opts);
  if (head.kind === 'notARepository')
    return { kind: 'notARepository', reason: `${opts.cwd} is not inside a git repository.` };
  const branch = opts.branch ?? (head.kind === 'branch' ? head.branch : undefined);
  if (!branch) return { kind: 'detached', sha: head.kind === 'detached' ? head.sha : 'unknown' };
  const config = parseConfig(
    (await tryGit(['config', '-z', '--get-regexp', '^(branch|remote)\\.'], opts)) ?? '',
  );
  const upstreamRemote = config.get(`branch.${branch}.remote`);
  const mergeRef = config.get(`branch.${branch}.merge`);
  const remotes = [
    ...new Set(
      [...config.keys()].filter((k) => k.startsWith('remote.')).map((k) => k.slice(7, k.lastIndexOf('.'))),
    ),
  ];
  const remote =
    upstreamRemote && upstreamRemote !== '.'
      ? upstreamRemote
      : remotes.includes('origin')
        ? 'origin'
        : remotes.length === 1
          ? remotes[0]
          : undefined;
  const remoteUrl = remote ? config.get(`remote.${remote}.url`) : undefined;
  const upstream =
    upstreamRemote && upstreamRemote !== '.' && mergeRef
      ? { remote: upstreamRemote, branch: mergeRef.replace(/^refs\/heads\//, '') }
      : undefined;
  let fetchError: string | undefined;
  if (opts.fetch && upstream) {
    try {
      await git(
        [
          'fetch',
          '--quiet',
          '--no-tags',
          upstream.remote,
          `${mergeRef}:refs/remotes/${upstream.remote}/${upstream.branch}`,
        ],
        opts,
      );
    } catch (e) {
      fetchError = (e as Error).message;
      opts.logger?.warn(`git fetch ${upstream.remote} failed: ${fetchError}`);
    }
  }
  let ahead = 0;
  let behind = 0;
  if (upstream) {
    const counts = await tryGit(
      ['rev-list', '--left-right', '--count', `refs/remotes/${upstream.remote}/${upstream.branch}...HEAD`],
      opts,
    );
    if (counts) {
      const [b, a] = counts.split(/\s+/).map(Number);
      behind = b || 0;
      ahead = a || 0;
    } else {
      // The remote-tracking ref is missing (the branch was deleted on the remote, or never fetched).
      fetchError ??= `${upstream.remote}/${upstream.branch} is not known locally`;
    }
  }
  return {
    kind: 'branch',
    branch,
    remote,
    remoteUrl,
    upstream,
    ahead,
    behind,
    ...(fetchError ? { fetchError } : {}),
  };
}

/** The checked-out branch, or the commit when detached; one git process for a branch with a commit. */
async function readHead(
  opts: GitOptions,
): Promise<
  { kind: 'branch'; branch: string } | { kind: 'detached'; sha: string } | { kind: 'notARepository' }
> {
  const lines = (await tryGit(['rev-parse', '--show-toplevel', '--symbolic-full-name', 'HEAD'], opts))?.split(
    '\n',
  );
  if (lines?.[1]?.startsWith('refs/heads/')) return { kind: 'branch', branch: lines[1].slice(11) };
  if (lines?.length === 2)
    return { kind: 'detached', sha: (await tryGit(['rev-parse', '--short', 'HEAD'], opts)) ?? 'unknown' };
  // A new branch without a commit has no HEAD to parse.
  if ((await tryGit(['rev-parse', '--show-toplevel'], opts)) === undefined) return { kind: 'notARepository' };
  const branch = await tryGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], opts);
  return branch ? { kind: 'branch', branch } : { kind: 'detached', sha: 'unknown' };
}

/**
 * `git config -z` output as key to value (the last value of a key wins, as git reads it). Section and variable
 * names come lower-cased from git; the branch or remote name in between keeps its case and may hold dots.
 */
function parseConfig(z: string): Map<string, string> {
  const config = new Map<string, string>();
  for (const entry of z.split('\0')) {
    const nl = entry.indexOf('\n');
    if (nl > 0) config.set(entry.slice(0, nl), entry.slice(nl + 1));
  }
  return config;
}

/**
 * Pushes the branch to its upstream branch (`remoteBranch`); without an upstream, `setUpstream` makes one.
 * Throws when the push fails. Returns what to tell the user (already logged) when the push went through but
 * the upstream could not be recorded (undefined when all is done).
 */
export async function pushBranch(
  opts: GitOptions & { branch: string; remote: string; remoteBranch?: string; setUpstream: boolean },
): Promise<string | undefined> {
  const target = opts.remoteBranch ?? opts.branch;
  await git(['push', '--quiet', opts.remote, `refs/heads/${opts.branch}:refs/heads/${target}`], opts);
  return opts.setUpstream ? recordUpstream(opts, `${opts.remote}/${target}`) : undefined;
}

/** Attempts at recording an upstream, and the first wait between two (then twice as long each time). */
const UPSTREAM_ATTEMPTS = 4;
const UPSTREAM_RETRY_FIRST_MS = 250;

/**
 * Makes `upstream` the branch's upstream. `git push --set-upstream` exits 0 even when it could not write
 * .git/config, whose lock another git (VS Code's git extension) may hold for a moment: so the upstream is
 * set apart, and set again after a short wait while git says it cannot.
 */
async function recordUpstream(
  opts: GitOptions & { branch: string },
  upstream: string,
): Promise<string | undefined> {
  const backoff = new Backoff(UPSTREAM_RETRY_FIRST_MS);
  let why = '';
  for (let attempt = 1; attempt <= UPSTREAM_ATTEMPTS; attempt++) {
    if (attempt > 1) await pause(backoff.next(), opts.token);
    if (opts.token?.isCancellationRequested) break;
    try {
      await git(['branch', `--set-upstream-to=${upstream}`, opts.branch], opts);
      return undefined;
    } catch (e) {
      why = (e as Error).message;
      opts.logger?.warn(
        `Setting the upstream of ${opts.branch} to ${upstream} failed (attempt ${attempt}): ${why}`,
      );
    }
  }
  const notRecorded = `Pushed ${opts.branch}, but git could not record ${upstream} as its upstream${why ? ` (${why})` : ''}: run "git branch --set-upstream-to=${upstream} ${opts.branch}" in a terminal.`;
  opts.logger?.warn(notRecorded);
  return notRecorded;
}

/** Why the branch differs from what CI would run, or undefined when they match. */
export function remoteDifference(
  git: Extract<BranchState, { kind: 'branch' }>,
): { reason: string; canPush: boolean } | undefined {
  const b = git.branch;
  if (!git.upstream)
    return { reason: `The branch ${b} has no upstream: GitHub does not have it yet.`, canPush: true };
  const up = `${git.upstream.remote}/${git.upstream.branch}`;
  if (git.ahead && git.behind)
    return {
      reason: `${b} and ${up} have diverged (${git.ahead} local, ${git.behind} remote commits).`,
      canPush: false,
    };
  if (git.ahead)
    return {
      reason: `${b} has ${git.ahead} commit${git.ahead > 1 ? 's' : ''} not pushed to ${up}.`,
      canPush: true,
    };
  if (git.behind)
    return {
      reason: `${b} is ${git.behind} commit${git.behind > 1 ? 's' : ''} behind ${up}: CI will run the newer remote commits.`,
      canPush: false,
    };
  return undefined;
}
