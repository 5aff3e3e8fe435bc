// npm test: the unit and integration suites under Node, then the extension-host suites in a real VS Code
// (the current one and the oldest we claim).
// Ends with one line "N passed, N failed" summing every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

let passed = 0;
let failed = 0;
for (const tier of tiers) {
  if (only && tier.name !== only && !tier.name.startsWith(`${only}-`)) continue;
  const file = join(results, `${tier.name}.json`);
  rmSync(file, { force: true });
  const [cmd, args, env] = tier.cmd;
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env }, cwd: root });
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  if (existsSync(file)) {
    const c = JSON.parse(readFileSync(file, 'utf8'));
    passed += c.passed;
    failed += c.failed;
    // A runner that ended badly after reporting (a crash, a hang cut short) still counts as a failure.
    if (r.status !== 0 && c.failed === 0) failed += 1;
    console.log(`[${tier.name}] ${c.passed} passed, ${c.failed} failed, ${c.pending} pending (${secs} s)`);
  } else {
    failed += 1;
    console.log(
      `[${tier.name}] reported no results (exit ${r.status ?? r.signal}): counted as 1 failure (${secs} s)`,
    );
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
