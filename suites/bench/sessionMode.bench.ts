// Session mode on the team-repository fixture (its session starts its own Django), where every run follows
// another: (1) runs 2 to 6 of six back to back through the extension's run path (mode resolution, port
// check, launch, plugin, results channel) vs runs 2 to 6 of the same pytest command typed by hand six
// times back to back; (2) Find the Polluting Test on the polluting pair vs the sum of its tries run by hand;
// (3) the plugin's tee of the session's runserver output: a run with it vs the same run with a pattern that
// matches no process (no tee), in back-to-back pairs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareHeadlessDjango } from '../../src/core/django/headlessDjango';
import { runHeadless } from '../../src/core/pytest/headless';
import { findPolluters } from '../../src/core/pytest/pollution';
import { verdictOf } from '../../src/core/pytest/pollutionTries';
import { silentLogger } from '../../src/core/logger';
import { finish, median, PYTHON, pytestByHand, report, REPO, sideBySide, timeIt } from './support';
import { freePort } from '../unit/support';

const TEST = 'test_deploy.py::test_health';
const VICTIM = 'test_hazards.py::test_beta_flag_is_off_by_default';
const POLLUTER = 'test_hazards.py::test_turns_on_beta_flag';
/** Runs in a back-to-back series; the first of each is not judged (it may follow a pause). */
const SERIES = 6;
/** Series per side, in the order ext, hand, hand, ext (ABBA), so a drift favours neither. */
const ABBA = ['ext', 'hand', 'hand', 'ext'] as const;

async function main(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'cit-bench-session-'));
  const port = await freePort();
  execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(join(REPO, 'suites/host/teamFixture.mjs'))}); m.copyTeamFixture(${JSON.stringify(ws)}, ${port});`,
  ]);
  const ini = join(ws, 'backend/oracles/tests/integration/pytest.ini');
  const dir = join(ws, 'backend/oracles/tests/integration');
  const env = { POLLUTE_ON_DEMAND: '1' };
  const settings = { command: 'uv run pytest', interpreter: PYTHON, extraArgs: [], env, cwd: ws };
  try {
    let mode = '';
    /** One session-mode run through the extension's path: the verdict of `failing` (or of every test). */
    const extensionRun = async (nodeIds: string[], tee = true) => {
      const django = await prepareHeadlessDjango({
        workspace: ws,
        inis: [ini],
        killPort: false,
        logger: silentLogger,
      });
      if (django.kind !== 'ready') throw new Error(django.message);
      mode = django.choice.mode;
      try {
        return await runHeadless({
          ini,
          nodeIds,
          settings: tee ? settings : { ...settings, djangoProcessPattern: '(?!)' },
          extraEnv: django.env,
          pluginDir: join(REPO, 'out/python'),
        });
      } finally {
        await django.stop();
      }
    };
    const extension = async (tee = true) => {
      const r = await extensionRun([TEST], tee);
      const finished = r.outcome.events.find((e) => e.event === 'finished');
      if (r.outcome.problem || finished?.event !== 'finished' || finished.outcome !== 'passed')
        throw new Error(`the run did not pass: ${r.outcome.problem ?? ''}\n${r.outcome.tail.join('\n')}`);
    };
    const byHand = () => pytestByHand(ini, join(dir, TEST), ws, { ...process.env, ...env });

    const judged = { ext: [] as number[], hand: [] as number[] };
    for (const side of ABBA)
      for (let i = 0; i < SERIES; i++) {
        const ms = await timeIt(side === 'ext' ? extension : byHand);
        if (i > 0) judged[side].push(ms);
      }
    const e = median(judged.ext);
    const h = median(judged.hand);
    const backToBack = e / h;
    console.log(
      `${TEST} in the team-repository fixture (Django mode: ${mode}), ${SERIES} runs back to back per series, series ${ABBA.join(', ')}`,
    );

    // Find the Polluting Test: each try a session of its own, as the Testing view and the CLI run it.
    const tries: string[][] = [];
    const find = async () => {
      tries.length = 0;
      const result = await findPolluters({
        candidates: [POLLUTER],
        tryRun: async (set) => {
          tries.push([...set, VICTIM]);
          const r = await extensionRun([...set, VICTIM]);
          return verdictOf(r.outcome, VICTIM, r.launch.display);
        },
      });
      if (result.kind !== 'found') throw new Error(`Find the Polluting Test: ${result.kind}`);
    };
    const triesByHand = async () => {
      for (const t of tries)
        await pytestByHand(
          ini,
          t.map((id) => join(dir, id)),
          ws,
          { ...process.env, ...env },
          true,
        );
    };
    await find();
    const pollution: number[] = [];
    for (let i = 0; i < 3; i++) {
      // Each side first in turn.
      const first = await timeIt(i % 2 === 0 ? find : triesByHand);
      const second = await timeIt(i % 2 === 0 ? triesByHand : find);
      pollution.push(i % 2 === 0 ? first / second : second / first);
    }
    const pol = median(pollution);

    const tee = await sideBySide(
      () => extension(true),
      () => extension(false),
      9,
    );
    finish([
      report(
        'session-mode runs back to back',
        `runs 2-${SERIES}: extension ${e.toFixed(0)} ms vs pytest by hand ${h.toFixed(0)} ms (medians of ${judged.ext.length}); ${backToBack.toFixed(2)}x (target <= 1.10x)`,
        backToBack <= 1.1,
      ),
      report(
        'Find the Polluting Test, session mode',
        `${tries.length} tries; vs the sum of the same tries by hand: ${pollution.map((x) => x.toFixed(2)).join(' ')}; median ${pol.toFixed(2)}x (target <= 1.30x)`,
        pol <= 1.3,
      ),
      report(
        "the tee of the session's Django output",
        `${TEST}: with the tee ${tee.e.toFixed(0)} ms vs without ${tee.h.toFixed(0)} ms (medians); ${tee.ratios.length} pairs: ${tee.ratios.map((x) => x.toFixed(2)).join(' ')}; median ${tee.ratio.toFixed(2)}x (target <= 1.03x)`,
        tee.ratio <= 1.03,
      ),
    ]);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`sessionMode: ${(e as Error).message}`);
  process.exitCode = 1;
});
