import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushBranch, readBranchState, remoteDifference } from '../../../src/core/github/gitState';
import { parseRemoteUrl } from '../../../src/core/github/remote';
import { silentLogger } from '../../../src/core/logger';

const GITHUB_URL = 'https://github.com/acme/backend.git';

/** A working clone whose `origin` says GitHub but fetches from and pushes to a local bare repository. */
function makeRepos(): {
  root: string;
  bare: string;
  work: string;
  other: string;
  git: (cwd: string, ...a: string[]) => string;
} {
  const root = mkdtempSync(join(tmpdir(), 'cit-git-'));
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  const other = join(root, 'other');
  const git = (cwd: string, ...a: string[]) =>
    execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...a], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  for (const dir of [work, other]) {
    git(root, 'init', '-q', '-b', 'main', dir);
    git(dir, 'remote', 'add', 'origin', GITHUB_URL);
    // git rewrites the GitHub URL to the bare repository for fetch and push.
    git(dir, 'config', `url.${bare}.insteadOf`, GITHUB_URL);
  }
  writeFileSync(join(work, 'a.txt'), 'one\n');
  git(work, 'add', 'a.txt');
  git(work, 'commit', '-q', '-m', 'one');
  git(work, 'push', '-q', '-u', 'origin', 'main');
  git(other, 'fetch', '-q', 'origin');
  git(other, 'checkout', '-q', '-B', 'main', 'origin/main');
  return { root, bare, work, other, git };
}

describe('github git state of the branch (real bare remote)', () => {
  let r: ReturnType<typeof makeRepos>;
  beforeEach(() => (r = makeRepos()));
  afterEach(() => rmSync(r.root, { recursive: true, force: true }));

  it('in sync: branch, upstream and the GitHub URL as configured (not the rewritten one)', async () => {
    const started: string[] = [];
    const logger = { ...silentLogger, debug: (m: string) => void started.push(m) };
    const s = await readBranchState({ cwd: r.work, fetch: true, logger });
    // The Codespace view asks on every check: the head, the config, the fetch and the counts, nothing more.
    assert.deepEqual(
      started.filter((m) => / started \(pid/.test(m)).map((m) => m.split(' ')[1]),
      ['rev-parse', 'config', 'fetch', 'rev-list'],
    );
    assert.deepEqual(s, {
      kind: 'branch',
      branch: 'main',
      remote: 'origin',
      remoteUrl: GITHUB_URL,
      upstream: { remote: 'origin', branch: 'main' },
      ahead: 0,
      behind: 0,
    });
    assert.deepEqual(parseRemoteUrl(s.kind === 'branch' ? s.remoteUrl! : ''), {
      host: 'github.com',
      owner: 'acme',
      repo: 'backend',
    });
  });

  it('unpushed commits: ahead, and pushing brings it level', async () => {
    writeFileSync(join(r.work, 'a.txt'), 'two\n');
    r.git(r.work, 'commit', '-q', '-am', 'two');
    const s = await readBranchState({ cwd: r.work, fetch: true });
    assert.equal(s.kind === 'branch' && `${s.ahead}/${s.behind}`, '1/0');
    assert.deepEqual(s.kind === 'branch' && remoteDifference(s), {
      reason: 'main has 1 commit not pushed to origin/main.',
      canPush: true,
    });
    await pushBranch({
      cwd: r.work,
      branch: 'main',
      remote: 'origin',
      remoteBranch: 'main',
      setUpstream: false,
    });
    const after = await readBranchState({ cwd: r.work, fetch: true });
    assert.equal(after.kind === 'branch' && `${after.ahead}/${after.behind}`, '0/0');
    assert.equal(after.kind === 'branch' && remoteDifference(after), undefined);
    assert.equal(r.git(r.bare, 'rev-parse', 'main'), r.git(r.work, 'rev-parse', 'HEAD'));
  });

  it('behind: someone else pushed; only a fetch shows it', async () => {
    writeFileSync(join(r.other, 'b.txt'), 'theirs\n');
    r.git(r.other, 'add', 'b.txt');
    r.git(r.other, 'commit', '-q', '-m', 'theirs');
    r.git(r.other, 'push', '-q', 'origin', 'main');
    const stale = await readBranchState({ cwd: r.work, fetch: false });
    assert.equal(stale.kind === 'branch' && stale.behind, 0);
    const fresh = await readBranchState({ cwd: r.work, fetch: true });
    assert.equal(fresh.kind === 'branch' && `${fresh.ahead}/${fresh.behind}`, '0/1');
    // Pushing cannot help a branch that is behind: only Trigger Anyway or Cancel.
    assert.deepEqual(fresh.kind === 'branch' && remoteDifference(fresh), {
      reason: 'main is 1 commit behind origin/main: CI will run the newer remote commits.',
      canPush: false,
    });
    writeFileSync(join(r.work, 'c.txt'), 'mine\n');
    r.git(r.work, 'add', 'c.txt');
    r.git(r.work, 'commit', '-q', '-m', 'mine');
    const diverged = await readBranchState({ cwd: r.work, fetch: true });
    assert.deepEqual(diverged.kind === 'branch' && remoteDifference(diverged), {
      reason: 'main and origin/main have diverged (1 local, 1 remote commits).',
      canPush: false,
    });
  });

  it('no upstream: a new local branch; pushing creates it on the remote and records it as the upstream', async () => {
    r.git(r.work, 'checkout', '-q', '-b', 'feature/ci');
    const s = await readBranchState({ cwd: r.work, fetch: true });
    assert.deepEqual(s, {
      kind: 'branch',
      branch: 'feature/ci',
      remote: 'origin',
      remoteUrl: GITHUB_URL,
      upstream: undefined,
      ahead: 0,
      behind: 0,
    });
    assert.deepEqual(s.kind === 'branch' && remoteDifference(s), {
      reason: 'The branch feature/ci has no upstream: GitHub does not have it yet.',
      canPush: true,
    });
    await pushBranch({ cwd: r.work, branch: 'feature/ci', remote: 'origin', setUpstream: true });
    const after = await readBranchState({ cwd: r.work, fetch: true });
    assert.deepEqual(after.kind === 'branch' && after.upstream, { remote: 'origin', branch: 'feature/ci' });
    assert.equal(r.git(r.bare, 'rev-parse', 'feature/ci'), r.git(r.work, 'rev-parse', 'HEAD'));
  });

  it("a new branch's upstream is recorded even while another git holds .git/config's lock for a moment", async () => {
    // git push --set-upstream exits 0 without an upstream when it cannot lock .git/config (seen on CI
    // while VS Code's git extension worked in the same repository).
    r.git(r.work, 'checkout', '-q', '-b', 'feature/locked');
    const lock = join(r.work, '.git', 'config.lock');
    writeFileSync(lock, '');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        rmSync(lock);
        resolve();
      }, 100),
    );
    const notRecorded = await pushBranch({
      cwd: r.work,
      branch: 'feature/locked',
      remote: 'origin',
      setUpstream: true,
    });
    await released;
    assert.equal(notRecorded, undefined);
    assert.equal(r.git(r.work, 'rev-parse', '--abbrev-ref', '@{u}'), 'origin/feature/locked');
    assert.equal(r.git(r.bare, 'rev-parse', 'feature/locked'), r.git(r.work, 'rev-parse', 'HEAD'));
  });

  it('a lock that stays: the branch is pushed, and the message says how to record the upstream', async () => {
    r.git(r.work, 'checkout', '-q', '-b', 'feature/stuck');
    const lock = join(r.work, '.git', 'config.lock');
    writeFileSync(lock, '');
    try {
      const notRecorded = await pushBranch({
        cwd: r.work,
        branch: 'feature/stuck',
        remote: 'origin',
        setUpstream: true,
      });
      assert.match(
        notRecorded ?? '',
        /^Pushed feature\/stuck, but git could not record origin\/feature\/stuck/,
      );
      assert.match(notRecorded ?? '', /could not lock config file/);
      assert.match(
        notRecorded ?? '',
        /run "git branch --set-upstream-to=origin\/feature\/stuck feature\/stuck"/,
      );
    } finally {
      rmSync(lock);
    }
    assert.equal(r.git(r.bare, 'rev-parse', 'feature/stuck'), r.git(r.work, 'rev-parse', 'HEAD'));
    assert.throws(() => r.git(r.work, 'rev-parse', '--abbrev-ref', '@{u}'), /no upstream/);
  });

  it('detached HEAD and not a repository', async () => {
    r.git(r.work, 'checkout', '-q', '--detach');
    const s = await readBranchState({ cwd: r.work, fetch: true });
    assert.equal(s.kind, 'detached');
    assert.equal(s.kind === 'detached' && s.sha, r.git(r.work, 'rev-parse', '--short', 'HEAD'));
    const none = await readBranchState({ cwd: r.root, fetch: true });
    assert.equal(none.kind, 'notARepository');
  });

  it('a branch name with dots and slashes tracking a remote whose name has capitals; a branch with no commit yet', async () => {
    r.git(r.work, 'remote', 'add', 'Fork', 'https://github.com/someone/backend.git');
    r.git(r.work, 'config', `url.${r.bare}.insteadOf`, 'https://github.com/someone/backend.git');
    r.git(r.work, 'checkout', '-q', '-b', 'feature/v1.2');
    r.git(r.work, 'push', '-q', '-u', 'Fork', 'feature/v1.2');
    const s = await readBranchState({ cwd: r.work, fetch: false });
    assert.deepEqual(s, {
      kind: 'branch',
      branch: 'feature/v1.2',
      remote: 'Fork',
      remoteUrl: 'https://github.com/someone/backend.git',
      upstream: { remote: 'Fork', branch: 'feature/v1.2' },
      ahead: 0,
      behind: 0,
    });
    const fresh = join(r.root, 'fresh');
    r.git(r.root, 'init', '-q', '-b', 'start', fresh);
    const unborn = await readBranchState({ cwd: fresh, fetch: false });
    assert.deepEqual(unborn, {
      kind: 'branch',
      branch: 'start',
      remote: undefined,
      remoteUrl: undefined,
      upstream: undefined,
      ahead: 0,
      behind: 0,
    });
  });

  it('a fetch that fails is reported, not thrown', async () => {
    rmSync(r.bare, { recursive: true, force: true });
    const s = await readBranchState({ cwd: r.work, fetch: true });
    assert.equal(s.kind, 'branch');
    assert.match(
      (s.kind === 'branch' && s.fetchError) || '',
      /does not appear to be a git repository|not found|No such/i,
    );
    await assert.rejects(
      pushBranch({ cwd: r.work, branch: 'main', remote: 'origin', setUpstream: false }),
      /does not appear to be a git repository|No such|not found/i,
    );
  });
});
