// npm run bench: runs each compiled benchmark (out/suites/bench/*.bench.js) in its own Node process.
// Each prints its measurements side by side, as ratios, and its own verdict against the target.
import { readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, 'out/suites/bench');
const only = process.argv[2];
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
      .sort()
  : [];
if (!files.length) {
  console.error('no benchmarks found (build first: node esbuild.mjs)');
  process.exit(1);
}
let missed = 0;
for (const f of files) {
  console.log(`\n== ${f.replace(/\.bench\.js$/, '')}`);
  const r = spawnSync('node', ['--expose-gc', join(dir, f)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) missed++;
}
console.log(`\n${files.length - missed} of ${files.length} benchmarks met their targets`);
process.exit(missed ? 1 : 0);
