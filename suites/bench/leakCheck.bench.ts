// The leak check's cost: the fixture's whole suite through the extension's run path with the check on vs off,
// against the same Django (already up). Target: at most 15 % slower with the check.
import { join } from 'node:path';
import { runHeadless } from '../../src/core/pytest/headless';
import { leakCheckEnv } from '../../src/core/pytest/leaks';
import { finish, fixtureDjango, PYTHON, report, REPO, sideBySide } from './support';

const RUNS = 5;

async function main(): Promise<void> {
  const { ws, ini, url, djangoEnv, stop } = await fixtureDjango('cit-bench-leaks-');
  try {
    const settings = { command: 'uv run pytest', interpreter: PYTHON, extraArgs: [], env: {}, cwd: ws };
    const check = await leakCheckEnv({
      workspace: ws,
      djangoCommand: 'uv run python backend/manage.py runserver',
      djangoCwd: ws,
    });
    if (check.kind !== 'on') throw new Error(`the leak check cannot run: ${check.reason}`);

    let tests = 0;
    let leaks = 0;
    const suite = (withCheck: boolean) => async () => {
      let finished = 0;
      let leaked = 0;
      const r = await runHeadless({
        ini,
        nodeIds: ['.'],
        settings,
        extraEnv: { ...djangoEnv, ...(withCheck ? check.env : {}) },
        pluginDir: join(REPO, 'out/python'),
        onEvent: (e) => {
          if (e.event === 'finished') finished++;
          else if (e.event === 'leaked') leaked++;
          else if (e.event === 'leakCheck' && e.status === 'off') throw new Error(e.reason);
        },
      });
      if (r.outcome.problem) throw new Error(`the suite did not run: ${r.outcome.problem}`);
      if (withCheck && leaked !== 1) throw new Error(`expected the one leaking test, saw ${leaked}`);
      tests = finished;
      if (withCheck) leaks = leaked;
    };
    // Warm up both, then alternate so drift hits both sides alike.
    const { e: a, h: b, ratio } = await sideBySide(suite(true), suite(false), RUNS);
    console.log(
      `${RUNS} runs each of the fixture's suite (${tests} tests, ${leaks} leaking); Django at ${url}`,
    );
    finish([
      report(
        'leak check overhead',
        `with the check ${a.toFixed(0)} ms vs without ${b.toFixed(0)} ms = ${ratio.toFixed(2)}x (target <= 1.15x)`,
        ratio <= 1.15,
      ),
    ]);
  } finally {
    await stop();
  }
}

main().catch((e) => {
  console.error(`leakCheck: ${(e as Error).message}`);
  process.exitCode = 1;
});
