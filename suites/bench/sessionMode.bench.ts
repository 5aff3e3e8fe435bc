// Session mode: one test of the team-repository fixture (its session starts its own Django) through the
// extension's run path (mode resolution, port check, launch, plugin, results channel) vs the same pytest
// command typed by hand.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareHeadlessDjango } from '../../src/core/django/headlessDjango';
import { runHeadless } from '../../src/core/pytest/headless';
import { silentLogger } from '../../src/core/logger';
import { finish, overheadDetail, PYTHON, pytestByHand, report, REPO, sideBySide } from './support';
import { freePort } from '../unit/support';

// Nine pairs (support.ts: sideBySide): with five runs a side, the median swung from 0.95x to 1.07x between two runs.
const RUNS = 9;
const TEST = 'test_deploy.py::test_health';

async function main(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'cit-bench-session-'));
  const port = await freePort();
  execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(join(REPO, 'suites/host/teamFixture.mjs'))}); m.copyTeamFixture(${JSON.stringify(ws)}, ${port});`,
  ]);
  const ini = join(ws, 'backend/oracles/tests/integration/pytest.ini');
  const settings = { command: 'uv run pytest', interpreter: PYTHON, extraArgs: [], env: {}, cwd: ws };
  try {
    let mode = '';
    const extension = async () => {
      const django = await prepareHeadlessDjango({
        workspace: ws,
        inis: [ini],
        killPort: false,
        logger: silentLogger,
      });
      if (django.kind !== 'ready') throw new Error(django.message);
      mode = django.choice.mode;
      let outcome = '';
      const r = await runHeadless({
        ini,
        nodeIds: [TEST],
        settings,
        extraEnv: django.env,
        pluginDir: join(REPO, 'out/python'),
        onEvent: (e) => e.event === 'finished' && (outcome = e.outcome),
      });
      await django.stop();
      if (r.outcome.problem || outcome !== 'passed')
        throw new Error(
          `the run did not pass: ${r.outcome.problem ?? outcome}\n${r.outcome.tail.join('\n')}`,
        );
    };
    const byHand = () =>
      pytestByHand(ini, join(ws, 'backend/oracles/tests/integration', TEST), ws, process.env);
    const side = await sideBySide(extension, byHand, RUNS);
    console.log(`${RUNS} runs each of ${TEST} in the team-repository fixture (Django mode: ${mode})`);
    finish([report('session-mode run overhead', overheadDetail(side, 1.05), side.ratio <= 1.05)]);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`sessionMode: ${(e as Error).message}`);
  process.exitCode = 1;
});
