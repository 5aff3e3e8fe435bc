// Installs what `npm test`, `npm start` and `npm run bench` need, idempotently:
// node_modules (from the lock file) and the offline VS Code test host with Debian's packages.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale && !process.env.SKIP_NPM_CI) {
  console.error('[setup] installing node_modules (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
}
if (!process.argv.includes('--node-only')) {
  execFileSync('bash', [join(root, 'suites/host/install.sh')], { cwd: root, stdio: 'inherit' });
  // The oldest VS Code that engines.vscode claims, for the host-1.96 tiers of npm test.
  execFileSync('bash', [join(root, 'suites/host/install.sh'), '4.96.4'], { cwd: root, stdio: 'inherit' });
}
