// Installs what `npm test`, `npm start` and `npm run bench` need, idempotently:
// node_modules (from the lock file) and the offline VS Code test host with Debian's packages.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
const install = join(root, 'suites/host/install.sh');

/** Runs one step to its end with its output shown; a failure names the step and ends setup. */
async function step(name, cmd, args) {
  const t = Date.now();
  const child = promisify(execFile)(cmd, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const { stdout, stderr } = await child.catch((e) => {
    process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw new Error(
      `[setup] ${name} failed (${e.code ?? e.signal}): see its output above, then run npm test again`,
    );
  });
  process.stderr.write(`${stdout}${stderr}`);
  console.error(`[setup] ${name}: done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

const steps = [];
if (stale && !process.env.SKIP_NPM_CI) {
  console.error('[setup] installing node_modules (npm ci)');
  steps.push(step('npm ci', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']));
}
if (!process.argv.includes('--node-only')) {
  // The Debian packages first (one apt at a time), then both VS Code servers beside npm ci: mostly downloads.
  execFileSync('bash', [install, '--debs'], { cwd: root, stdio: 'inherit' });
  steps.push(step('the VS Code test host', 'bash', [install]));
  // The oldest VS Code that engines.vscode claims, for the host-1.96 tiers of npm test.
  steps.push(step('the VS Code 1.96 test host', 'bash', [install, '4.96.4']));
}
const started = Date.now();
try {
  await Promise.all(steps);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
console.error(`[setup] ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
