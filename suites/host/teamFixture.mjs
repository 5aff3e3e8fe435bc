// The team-repository fixture: a copy of the codespace fixture with suites/fixtures/teamrepo laid
// over it (its session starts its own Django on a constant port; no settings for the extension).
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { repoRoot } from './vscodeServer.mjs';
import { copyFixture } from './codespaceFixture.mjs';

/** A TCP port nobody listens on now. */
export function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const overlay = join(repoRoot, 'suites/fixtures/teamrepo');
export const TEAM_CONFTEST = 'backend/oracles/tests/integration/conftest.py';

/** A fresh team-repository copy whose session Django listens on `port` (the conftest's constant, rewritten). */
export function copyTeamFixture(dir, port) {
  copyFixture(dir);
  cpSync(join(overlay, 'backend'), join(dir, 'backend'), { recursive: true });
  cpSync(join(overlay, '.github'), join(dir, '.github'), { recursive: true });
  for (const rel of readFileSync(join(overlay, 'REMOVE'), 'utf8').split('\n').filter(Boolean))
    rmSync(join(dir, rel), { force: true });
  const conftest = join(dir, TEAM_CONFTEST);
  writeFileSync(
    conftest,
    readFileSync(conftest, 'utf8').replace('DJANGO_PORT = 8000', `DJANGO_PORT = ${port}`),
  );
  // Only the port matches the conftest: every other setting stays at its default.
  writeFileSync(
    join(dir, '.vscode/settings.json'),
    JSON.stringify({ 'codespaceTests.django.port': port }, null, 2) + '\n',
  );
  // The project's environment, as `uv sync` leaves it: Debian's Python has Django, pytest and debugpy.
  mkdirSync(join(dir, '.venv/bin'), { recursive: true });
  symlinkSync('/usr/bin/python3', join(dir, '.venv/bin/python'));
  appendFileSync(join(dir, '.gitignore'), '.venv/\n.django-test-server.log\n');
  const git = (...a) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'add', '-A');
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'team layout');
  return dir;
}
