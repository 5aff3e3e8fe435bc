// The steps of setup, shared by setup.mjs (npm start, npm run bench) and test.mjs (npm test, which starts
// its Node tiers while the VS Code servers install).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const install = join(root, 'suites/host/install.sh');

/** Runs one step to its end with its output shown; a failure names the step. */
async function step(name, cmd, args) {
  const t = Date.now();
  const { stdout, stderr } = await promisify(execFile)(cmd, args, {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e) => {
    process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw new Error(
      `[setup] ${name} failed (${e.code ?? e.signal}): see its output above, then run it again`,
    );
  });
  process.stderr.write(`${stdout}${stderr}`);
  console.error(`[setup] ${name}: done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

/** node_modules from the lock file, unless it is already there (or SKIP_NPM_CI is set). */
export function nodeModules() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
  if (!stale || process.env.SKIP_NPM_CI) return Promise.resolve();
  console.error('[setup] installing node_modules (npm ci)');
  return step('npm ci', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

/** Debian's packages (Chromium, Python with Django, pytest, debugpy): one apt at a time, so synchronous. */
export function debianPackages() {
  execFileSync('bash', [install, '--debs'], { cwd: root, stdio: 'inherit' });
}

/** The VS Code servers the host tiers run in: the current one, and the oldest engines.vscode claims. */
export const servers = {
  current: () => step('the VS Code test host', 'bash', [install]),
  1.96: () => step('the VS Code 1.96 test host', 'bash', [install, '4.96.4']),
};
