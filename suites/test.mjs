// npm test: the unit and integration suites under Node, then the extension-host suites in a real VS Code
// (the current one and the oldest we claim).
// The VS Code servers install while the Node tiers run. Two workers take the tiers, the longest first, each
// once the server it needs is there (the machine waits on pytest, Django and the browser more than it
// computes): one tier's output streams at a time, another's is printed whole when it ends. The UI tier runs
// last, alone. TEST_LANES=1 runs every tier one after the other, streaming.
// Ends with one line "N passed, N failed" summing every suite, and exits 1 when a test failed.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servers } from './setupSteps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, '.artifacts/results');
const only = process.argv[2];

/**
 * The tiers, in the order the workers take them: the longest first, so both workers end near together
 * (measured on a fresh clone: integration ~340 s, each full host tier ~490 s, the team tier ~160 s).
 * `server`: the VS Code the tier runs in (npm test installs both while the Node tiers run). `alone`: the UI
 * tier (clicks, screenshots, time budgets per step) runs last, with nothing beside it.
 */
const tiers = [
  {
    name: 'integration',
    cmd: [
      'node',
      [join(root, 'out/suites/integration/index.js')],
      { RESULTS_FILE: join(results, 'integration.json') },
    ],
  },
  {
    name: 'lint',
    cmd: ['node', [join(root, 'suites/lint.mjs')], { RESULTS_FILE: join(results, 'lint.json') }],
  },
  {
    name: 'unit',
    cmd: ['node', [join(root, 'out/suites/unit/index.js')], { RESULTS_FILE: join(results, 'unit.json') }],
  },
  {
    name: 'fuzz',
    cmd: ['node', [join(root, 'out/suites/fuzz/index.js')], { RESULTS_FILE: join(results, 'fuzz.json') }],
  },
  // The same host suites on the oldest VS Code that engines.vscode claims.
  { name: 'host-1.96', server: '1.96', cmd: hostTier('host-1.96', '--vscode', '1.96') },
  { name: 'host', server: 'current', cmd: hostTier('host') },
  { name: 'host-teamrepo', server: 'current', cmd: hostTier('host-teamrepo', '--team') },
  { name: 'host-multiroot', server: 'current', cmd: hostTier('host-multiroot', '--multi-root') },
  {
    name: 'host-1.96-multiroot',
    server: '1.96',
    cmd: hostTier('host-1.96-multiroot', '--vscode', '1.96', '--multi-root'),
  },
  {
    name: 'e2e',
    server: 'current',
    alone: true,
    cmd: ['node', [join(root, 'suites/e2e/run.mjs')], { RESULTS_FILE: join(results, 'e2e.json') }],
  },
];

/** A workbench-host tier: suites/host/run.mjs with its suite name and options. */
function hostTier(suite, ...options) {
  return ['node', [join(root, 'suites/host/run.mjs'), '--suite', suite, ...options], {}];
}

let passed = 0;
let failed = 0;

/** Runs one tier to its end; `log` set: its output goes there and is printed whole at the end. */
async function runTier(tier, log) {
  const file = join(results, `${tier.name}.json`);
  rmSync(file, { force: true });
  const [cmd, args, env] = tier.cmd;
  const started = Date.now();
  const child = spawn(cmd, args, {
    stdio: log ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, ...env },
    cwd: root,
  });
  let out;
  if (log) {
    mkdirSync(dirname(log), { recursive: true });
    out = createWriteStream(log);
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    console.log(`[${tier.name}] started (its output follows when it ends)`);
  }
  const [code, signal] = await new Promise((resolve) => child.on('close', (c, sig) => resolve([c, sig])));
  if (out) {
    await new Promise((r) => out.end(r));
    process.stdout.write(
      `\n----- [${tier.name}] output -----\n${readFileSync(log, 'utf8')}----- [${tier.name}] end -----\n`,
    );
  }
  count(tier, file, code ?? signal, started);
}

/** Adds a tier's counts to the total; a tier that reported nothing, or ended badly, is a failure. */
function count(tier, file, exit, started) {
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  if (existsSync(file)) {
    const c = JSON.parse(readFileSync(file, 'utf8'));
    passed += c.passed;
    failed += c.failed;
    console.log(`[${tier.name}] ${c.passed} passed, ${c.failed} failed, ${c.pending} pending (${secs} s)`);
    // A tier that ran nothing tested nothing (a filter that matches no file, or tests no longer found); a
    // runner that ended badly after reporting (a crash, a hang cut short) failed. Either counts once.
    if (c.passed + c.failed === 0) {
      failed += 1;
      console.log(
        `[${tier.name}] ran no test (TEST_FILTER or TEST_GREP matched none?): counted as 1 failure`,
      );
    } else if (exit !== 0 && c.failed === 0) failed += 1;
  } else {
    failed += 1;
    console.log(`[${tier.name}] reported no results (exit ${exit}): counted as 1 failure (${secs} s)`);
  }
}

const chosen = tiers.filter((t) => !only || t.name === only || t.name.startsWith(`${only}-`));
const started = Date.now();

// Each server the chosen tiers need starts installing now (a no-op when installed); a tier waits for its own.
const ready = new Set();
const broken = new Map();
/** Wakes the workers waiting for a server or for the other worker (see worker()). */
let wake = () => {};
let changed = new Promise((r) => (wake = r));
function signal() {
  const w = wake;
  changed = new Promise((r) => (wake = r));
  w();
}
for (const key of new Set(chosen.map((t) => t.server).filter(Boolean))) {
  servers[key]()
    .then(
      () => ready.add(key),
      (e) => broken.set(key, e.message),
    )
    .finally(signal);
}

/** Two workers (one with TEST_LANES=1) take the next tier whose server is there; the UI tier waits for both. */
const workers = process.env.TEST_LANES === '1' ? 1 : 2;
const queue = [...chosen];
let running = 0;
let streaming = false;
async function worker() {
  for (;;) {
    const next = queue.find(
      (t) =>
        (!t.server || ready.has(t.server) || broken.has(t.server)) &&
        (!t.alone || (running === 0 && queue.length === 1)),
    );
    if (!next) {
      if (!queue.length) return;
      // Nothing can start yet: wait for a server, or for the other worker to end its tier.
      await changed;
      continue;
    }
    queue.splice(queue.indexOf(next), 1);
    const problem = broken.get(next.server);
    if (problem) {
      failed += 1;
      console.log(`[${next.name}] not run: ${problem}`);
      continue;
    }
    running++;
    // One tier's output streams at a time; another's is kept and printed whole when it ends.
    const stream = !streaming;
    if (stream) streaming = true;
    await runTier(next, stream ? undefined : join(results, `${next.name}.log`));
    if (stream) streaming = false;
    running--;
    signal();
  }
}
await Promise.all(Array.from({ length: workers }, () => worker()));
console.log(`all tiers took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
// The summary line is for people and .ci/run; the exit status for anything that runs npm test.
process.exitCode = failed > 0 ? 1 : 0;
