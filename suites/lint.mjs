// The static checks, counted like tests: type check, lint, format.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const checks = [
  ['tsc --noEmit', bin('tsc'), ['--noEmit', '-p', '.']],
  ['eslint', bin('eslint'), ['.']],
  ['prettier --check', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
];
let passed = 0;
let failed = 0;
for (const [name, cmd, args] of checks) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.status === 0) {
    passed++;
    console.log(`  ✔ ${name}`);
  } else {
    failed++;
    console.log(`  ✖ ${name}\n${(r.stdout + r.stderr).trim().split('\n').slice(0, 40).join('\n')}`);
  }
}
const file = process.env.RESULTS_FILE ?? join(root, '.artifacts/results/lint.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ suite: 'lint', passed, failed, pending: 0 }));
process.exit(failed ? 1 : 0);
