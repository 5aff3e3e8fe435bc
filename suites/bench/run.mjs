// npm run bench: runs each compiled benchmark (out/suites/bench/*.bench.js) in its own Node process,
// then the host benchmarks in a real workbench (suites/host/bench, run.mjs --suite bench).
// Each prints its measurements side by side, as ratios, and its own verdict (PASS or FAIL) against the target.
import { readdirSync, existsSync, statSync, readFileSync } from 'node:fs';
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
const hostBench = !only || 'host-scale'.includes(only);
if (!files.length && !hostBench) {
  console.error('no benchmarks found (build first: node esbuild.mjs)');
  process.exit(1);
}
let missed = 0;
for (const f of files) {
  console.log(`\n== ${f.replace(/\.bench\.js$/, '')}`);
  const r = spawnSync('node', ['--expose-gc', join(dir, f)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) missed++;
}
let total = files.length;
if (hostBench) {
  total++;
  console.log('\n== host-scale (a real workbench: suites/host/bench)');
  const r = spawnSync('node', [join(root, 'suites/host/run.mjs'), '--suite', 'bench'], {
    stdio: 'inherit',
    cwd: root,
  });
  const log = join(root, '.artifacts/host/bench/mocha.log');
  const lines = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('BENCH '))
    : [];
  console.log(
    lines.length ? `host bench lines:\n${lines.map((l) => l.slice(6)).join('\n')}` : 'no host bench lines',
  );
  if (r.status !== 0 || !lines.length || lines.some((l) => l.startsWith('BENCH FAIL'))) missed++;
}

// What activation loads, and what waits for first use.
const kb = (f) => `${(statSync(join(root, 'out', f)).size / 1024).toFixed(0)} KB`;
const lazy = existsSync(join(root, 'out/lazy'))
  ? readdirSync(join(root, 'out/lazy')).filter((f) => f.endsWith('.js'))
  : [];
console.log(
  `\nbundle: out/extension.js ${kb('extension.js')} (loaded at activation); on first use: ${lazy.map((f) => `lazy/${f} ${kb(`lazy/${f}`)}`).join(', ')}` +
    (existsSync(join(root, 'out/cli.js')) ? `; CLI out/cli.js ${kb('cli.js')}` : ''),
);
console.log(`\n${total - missed} of ${total} benchmarks met their targets`);
process.exit(missed ? 1 : 0);
