// The Coverage profile on the team-repository fixture (its session starts its own Django), side by side in
// back-to-back pairs, each side first in turn: (1) the profile's run (coverage.py checked, started in pytest
// and, through the plugin's Django hook, in the session's server, contexts switched test by test, the data
// combined and reported as JSON) vs the same tests under coverage.py by hand (`coverage run -m pytest`, the
// conftest edited to start runserver under `coverage run`, then `coverage combine` and `coverage json`);
// (2) the same profile run test by test vs as one whole-run context.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  coverageRc,
  finishCoverageRun,
  prepareCoverage,
  removeCoverageRun,
} from '../../src/core/coverage/coverageRun';
import { prepareHeadlessDjango } from '../../src/core/django/headlessDjango';
import { runHeadless } from '../../src/core/pytest/headless';
import { silentLogger } from '../../src/core/logger';
import { runToEnd } from '../../src/core/process/childProcess';
import { freePort } from '../unit/support';
import { finish, PYTHON, report, REPO, sideBySide } from './support';

const INTEGRATION = 'backend/oracles/tests/integration';
const TESTS = ['test_views.py::test_whoami_view', 'test_views.py::test_feature_flags_view'];
const PAIRS = 5;

async function teamCopy(prefix: string): Promise<string> {
  const ws = mkdtempSync(join(tmpdir(), prefix));
  execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(join(REPO, 'suites/host/teamFixture.mjs'))}); m.copyTeamFixture(${JSON.stringify(ws)}, ${await freePort()});`,
  ]);
  return ws;
}

async function main(): Promise<void> {
  const ours = await teamCopy('cit-bench-cov-');
  const hand = await teamCopy('cit-bench-covhand-');
  try {
    const ini = join(ours, INTEGRATION, 'pytest.ini');
    const settings = { command: 'uv run pytest', interpreter: PYTHON, extraArgs: [], env: {}, cwd: ours };
    /** The profile's run through the core, as the Testing view and `codespace-tests run --coverage` take it. */
    const profile = async (byTest: boolean) => {
      const prep = await prepareCoverage({
        workspace: ours,
        pluginDir: join(REPO, 'out/python'),
        command: settings.command,
        interpreter: PYTHON,
        byTest,
      });
      if (prep.kind !== 'ready') throw new Error(prep.message);
      const django = await prepareHeadlessDjango({
        workspace: ours,
        inis: [ini],
        killPort: false,
        logger: silentLogger,
      });
      if (django.kind !== 'ready') throw new Error(django.message);
      try {
        const r = await runHeadless({
          ini,
          nodeIds: TESTS,
          settings,
          extraEnv: { ...django.env, ...prep.run.env },
          pythonPathFirst: [prep.run.bootDir],
          pluginDir: join(REPO, 'out/python'),
        });
        const passed = r.outcome.events.filter((e) => e.event === 'finished' && e.outcome === 'passed');
        if (passed.length !== TESTS.length)
          throw new Error(`the run did not pass:\n${r.outcome.tail.join('\n')}`);
      } finally {
        await django.stop();
      }
      const result = await finishCoverageRun(prep.run, prep.python, { cwd: ours });
      await removeCoverageRun(prep.run);
      if (result.kind !== 'report') throw new Error(result.problem);
    };

    // By hand: the conftest's runserver under `coverage run` (stopped with SIGINT, so it saves), pytest under it too.
    const conftest = join(hand, INTEGRATION, 'conftest.py');
    writeFileSync(
      conftest,
      readFileSync(conftest, 'utf8')
        .replace(
          '[sys.executable, "-u", str(MANAGE_PY), "runserver"',
          '[sys.executable, "-m", "coverage", "run", "--parallel-mode", str(MANAGE_PY), "runserver"',
        )
        .replace('process.terminate()', 'process.send_signal(__import__("signal").SIGINT)'),
    );
    const data = join(hand, '.cov-data');
    const rc = join(hand, '.coveragerc');
    const env = { ...process.env, COVERAGE_RCFILE: rc, PYTHONUNBUFFERED: '1' };
    const py = async (...args: string[]) => {
      const r = await runToEnd({ command: PYTHON, args, cwd: hand, env, timeoutMs: 120_000 });
      if (r.exit.kind !== 'exited' || r.exit.code !== 0)
        throw new Error(`${args.join(' ')}: ${r.stdout}${r.stderr}`);
    };
    const byHand = async () => {
      rmSync(data, { recursive: true, force: true });
      mkdirSync(data);
      writeFileSync(rc, coverageRc(hand, join(data, '.coverage')));
      await py(
        '-m',
        'coverage',
        'run',
        '--parallel-mode',
        '-m',
        'pytest',
        '-c',
        `${INTEGRATION}/pytest.ini`,
        ...TESTS.map((t) => `${INTEGRATION}/${t}`),
        '-q',
      );
      await py('-m', 'coverage', 'combine', '-q', data);
      await py('-m', 'coverage', 'json', '-q', '--show-contexts', '-o', join(hand, 'coverage.json'));
    };

    console.log(
      `${TESTS.join(', ')} in the team-repository fixture (session mode), ${PAIRS} back-to-back pairs`,
    );
    const vsHand = await sideBySide(() => profile(true), byHand, PAIRS);
    const contexts = await sideBySide(
      () => profile(true),
      () => profile(false),
      PAIRS,
    );
    const pairs = (r: { ratios: number[] }) => r.ratios.map((x) => x.toFixed(2)).join(' ');
    finish([
      report(
        'coverage profile vs coverage.py by hand',
        `profile ${vsHand.e.toFixed(0)} ms vs by hand ${vsHand.h.toFixed(0)} ms (medians); pairs ${pairs(vsHand)}; median ${vsHand.ratio.toFixed(2)}x (target <= 1.15x)`,
        vsHand.ratio <= 1.15,
      ),
      report(
        'test-by-test contexts vs whole-run coverage',
        `test by test ${contexts.e.toFixed(0)} ms vs whole run ${contexts.h.toFixed(0)} ms (medians); pairs ${pairs(contexts)}; median ${contexts.ratio.toFixed(2)}x (target <= 1.10x)`,
        contexts.ratio <= 1.1,
      ),
    ]);
  } finally {
    rmSync(ours, { recursive: true, force: true });
    rmSync(hand, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
