// The fixture codespace (suites/fixtures/codespace) copied as a git repository, as in real life. The host
// runner, the team fixture, the UI tier and npm start all copy it from here.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from './vscodeServer.mjs';

/** A copy of the fixture codespace (fresh in a temp folder unless `dir` is given), a git repository as in real life. */
export function copyFixture(dir = mkdtempSync(join(tmpdir(), 'cit-codespace-'))) {
  mkdirSync(dir, { recursive: true });
  cpSync(join(repoRoot, 'suites/fixtures/codespace'), dir, {
    recursive: true,
    filter: (s) => !s.includes('__pycache__') && !s.endsWith('db.sqlite3'),
  });
  const git = (...a) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'add', '-A');
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'fixture');
  return dir;
}
