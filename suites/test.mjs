// npm test: the unit and integration suites under Node, then the extension-host suites in a real VS Code
// (the current one and the oldest we claim).
// The tiers run in two lanes side by side (the machine waits on pytest, Django and the browser more than it
// computes): the first lane's output streams, the second's is printed whole when each tier ends. The UI tier
// runs last, alone.
// TEST_LANES=1 runs every tier one after the other, streaming.
// Ends with one line "N passed, N failed" summing every suite.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, '.artifacts/results');
const only = process.argv[2];

const tiers = [
  {
    name: 'lint',
    cmd: ['node', [join(root, 'suites/lint.mjs')], { RESULTS_FILE: join(results, 'lint.json') }],
  },
  {
    name: 'unit',
    cmd: ['node', [join(root, 'out/suites/unit/index.js')], { RESULTS_FILE: join(results, 'unit.json') }],
  },
  {
    name: 'integration',
    cmd: [
      'node',
      [join(root, 'out/suites/integration/index.js')],
      { RESULTS_FILE: join(results, 'integration.json') },
    ],
  },
  {
    name: 'fuzz',
    cmd: ['node', [join(root, 'out/suites/fuzz/index.js')], { RESULTS_FILE: join(results, 'fuzz.json') }],
  },
  { name: 'host', cmd: ['node', [join(root, 'suites/host/run.mjs'), '--suite', 'host'], {}] },
  {
    name: 'host-multiroot',
    cmd: ['node', [join(root, 'suites/host/run.mjs'), '--suite', 'host-multiroot', '--multi-root'], {}],
  },
  // The same host suites on the oldest VS Code that engines.vscode claims.
  {
    name: 'host-1.96',
    cmd: ['node', [join(root, 'suites/host/run.mjs'), '--suite', 'host-1.96', '--vscode', '1.96'], {}],
  },
  {
    name: 'host-1.96-multiroot',
    cmd: [
      'node',
      [
        join(root, 'suites/host/run.mjs'),
        '--suite',
        'host-1.96-multiroot',
        '--vscode',
        '1.96',
        '--multi-root',
      ],
      {},
    ],
  },
  {
    name: 'host-teamrepo',
    cmd: ['node', [join(root, 'suites/host/run.mjs'), '--suite', 'host-teamrepo', '--team'], {}],
  },
  {
    name: 'e2e',
    cmd: ['node', [join(root, 'suites/e2e/run.mjs')], { RESULTS_FILE: join(results, 'e2e.json') }],
  },
];

/**
 * The two lanes: the two full workbench-host tiers in the second, everything else but the UI tier in the first.
 * The UI tier (clicks, screenshots, time budgets per step) runs last, alone.
 */
const SECOND_LANE = new Set(['host', 'host-1.96']);
const ALONE_AFTER = new Set(['e2e']);

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
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  if (existsSync(file)) {
    const c = JSON.parse(readFileSync(file, 'utf8'));
    passed += c.passed;
    failed += c.failed;
    // A runner that ended badly after reporting (a crash, a hang cut short) still counts as a failure.
    if (code !== 0 && c.failed === 0) failed += 1;
    console.log(`[${tier.name}] ${c.passed} passed, ${c.failed} failed, ${c.pending} pending (${secs} s)`);
  } else {
    failed += 1;
    console.log(
      `[${tier.name}] reported no results (exit ${code ?? signal}): counted as 1 failure (${secs} s)`,
    );
  }
}

async function runLane(lane, buffered) {
  for (const tier of lane) await runTier(tier, buffered ? join(results, `${tier.name}.log`) : undefined);
}

const chosen = tiers.filter((t) => !only || t.name === only || t.name.startsWith(`${only}-`));
const started = Date.now();
if (process.env.TEST_LANES === '1' || chosen.length < 2) await runLane(chosen, false);
else {
  const lanes = chosen.filter((t) => !ALONE_AFTER.has(t.name));
  await Promise.all([
    runLane(
      lanes.filter((t) => !SECOND_LANE.has(t.name)),
      false,
    ),
    runLane(
      lanes.filter((t) => SECOND_LANE.has(t.name)),
      true,
    ),
  ]);
  await runLane(
    chosen.filter((t) => ALONE_AFTER.has(t.name)),
    false,
  );
}
console.log(`all tiers took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
