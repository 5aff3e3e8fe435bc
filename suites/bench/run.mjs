// npm run bench: runs each compiled benchmark (out/suites/bench/*.bench.js) in its own Node process,
// then the host benchmarks in a real workbench (suites/host/bench, run.mjs --suite bench), in BENCH_WINDOWS
// fresh windows (3 by default), each cold measure judged on its median.
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
/**
 * Benchmarks with a speed that differs from one Node process to the next, whatever the tries within one (the
 * pod log client's best of 5 is 275-333 ms in most processes and 434 ms in some): each runs in `processes`
 * processes; its `median` targets are judged on the median process (met in most), every other target (a bound,
 * a count) must be met in all of them.
 */
const PROCESSES = {
  'logs.bench.js': { processes: 3, median: ['pod log ingest rate', 'ingest vs bare read'] },
};
let missed = 0;
for (const f of files) {
  const name = f.replace(/\.bench\.js$/, '');
  const n = PROCESSES[f]?.processes ?? 1;
  if (n === 1) {
    console.log(`\n== ${name}`);
    const r = spawnSync('node', ['--expose-gc', join(dir, f)], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) missed++;
    continue;
  }
  /** Each target's verdict lines, one per process. */
  const byTarget = new Map();
  for (let i = 1; i <= n; i++) {
    console.log(`\n== ${name}, process ${i} of ${n}`);
    const r = spawnSync('node', ['--expose-gc', join(dir, f)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
      encoding: 'utf8',
    });
    process.stdout.write(r.stdout ?? '');
    for (const line of (r.stdout ?? '').split('\n')) {
      const m = /^(PASS|FAIL) ([^:]+): (.*)$/.exec(line);
      if (m) byTarget.set(m[2], [...(byTarget.get(m[2]) ?? []), { met: m[1] === 'PASS', detail: m[3] }]);
    }
  }
  const median = new Set(PROCESSES[f].median);
  console.log(
    `${name}, ${n} processes (${[...median].join(', ')}: judged on the median process; the rest in every one):`,
  );
  if (!byTarget.size) missed++;
  let allMet = byTarget.size > 0;
  for (const [target, runs] of byTarget) {
    const times = runs.filter((v) => v.met).length;
    const met = runs.length === n && (median.has(target) ? times > n / 2 : times === n);
    allMet &&= met;
    console.log(
      `${met ? 'PASS' : 'FAIL'} ${target}: met in ${times} of ${n} processes; ${runs.map((v) => v.detail).join(' | ')}`,
    );
  }
  if (!allMet) missed++;
}
let total = files.length;
if (hostBench) {
  total++;
  const windows = Number(process.env.BENCH_WINDOWS ?? 3);
  const perWindow = [];
  let ended = true;
  for (let w = 1; w <= windows; w++) {
    console.log(`\n== host-scale, window ${w} of ${windows} (a real workbench: suites/host/bench)`);
    const r = spawnSync('node', [join(root, 'suites/host/run.mjs'), '--suite', 'bench'], {
      stdio: 'inherit',
      cwd: root,
    });
    if (r.status !== 0) ended = false;
    const log = join(root, '.artifacts/host/bench/mocha.log');
    perWindow.push(existsSync(log) ? readFileSync(log, 'utf8').split('\n') : []);
  }
  const verdicts = judgeWindows(perWindow);
  console.log(
    verdicts.length
      ? `host bench, ${windows} window${windows > 1 ? 's' : ''} (a measure with a limit is judged on its median):\n${verdicts.map((v) => v.line).join('\n')}`
      : 'no host bench lines',
  );
  if (!ended || !verdicts.length || verdicts.some((v) => !v.met)) missed++;
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

/**
 * One verdict per host measure over the windows (their MEASURE lines): a measure with a limit passes when
 * the median of its figures is within it, each figure shown; any other (a count, a completeness check) must
 * pass in every window.
 */
function judgeWindows(perWindow) {
  const byName = new Map();
  for (const lines of perWindow)
    for (const l of lines.filter((l) => l.startsWith('MEASURE '))) {
      const m = JSON.parse(l.slice('MEASURE '.length));
      byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
    }
  return [...byName].map(([name, measures]) => {
    if (measures.every((m) => m.limit !== undefined)) {
      const mid = [...measures].sort((a, b) => a.value - b.value)[Math.floor((measures.length - 1) / 2)];
      const met = mid.value <= mid.limit && measures.length === perWindow.length;
      const figures = measures.map((m) => m.value.toFixed(1)).join(', ');
      return {
        met,
        line: `${met ? 'PASS' : 'FAIL'} ${name}: median ${mid.value.toFixed(1)} of ${measures.length} windows (${figures}; limit ${mid.limit}); the median window: ${mid.detail}`,
      };
    }
    const failed = measures.find((m) => !m.met);
    const met = !failed && measures.length === perWindow.length;
    return {
      met,
      line: `${met ? 'PASS' : 'FAIL'} ${name}: ${failed ? '' : `in ${measures.length} of ${perWindow.length} windows; `}${(failed ?? measures.at(-1)).detail}`,
    };
  });
}
