// One fixture test through the extension's run path (runHeadless: command resolution, launch, plugin, results
// channel) vs the same pytest command typed by hand, with the fixture's Django already up.
import { join } from 'node:path';
import { runHeadless } from '../../src/core/pytest/headless';
import {
  finish,
  fixtureDjango,
  overheadDetail,
  PYTHON,
  pytestByHand,
  report,
  REPO,
  sideBySide,
} from './support';

// One test runs in about half a second, where a burst of the VM's noise is 150 ms: more pairs for a stable median.
const RUNS = 11;
const TEST = 'test_deploy.py::TestDeployments::test_whoami';

async function main(): Promise<void> {
  const { ws, backend, ini, env, url, djangoEnv, stop } = await fixtureDjango('cit-bench-run-');
  try {
    const settings = { command: 'uv run pytest', interpreter: PYTHON, extraArgs: [], env: {}, cwd: ws };

    let lastOutcome = '';
    const extension = async () => {
      let outcome = '';
      const r = await runHeadless({
        ini,
        nodeIds: [TEST],
        settings,
        extraEnv: djangoEnv,
        pluginDir: join(REPO, 'out/python'),
        onEvent: (e) => e.event === 'finished' && (outcome = e.outcome),
      });
      if (r.outcome.problem || outcome !== 'passed')
        throw new Error(
          `the run did not pass: ${r.outcome.problem ?? outcome}\n${r.outcome.tail.join('\n')}`,
        );
      lastOutcome = outcome;
    };
    const byHand = () =>
      pytestByHand(ini, join(backend, 'oracles/tests/integration', TEST), ws, { ...env, ...djangoEnv });
    // Warm up both (imports, .pyc files), then alternate so drift hits both sides alike.
    const side = await sideBySide(extension, byHand, RUNS);
    console.log(`${RUNS} runs each of ${TEST} (${lastOutcome}); Django at ${url}`);
    finish([report('run overhead', overheadDetail(side, 1.15), side.ratio <= 1.15)]);
  } finally {
    await stop();
  }
}

main().catch((e) => {
  console.error(`runOverhead: ${(e as Error).message}`);
  process.exitCode = 1;
});
