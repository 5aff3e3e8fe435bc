import { dirname, join } from 'node:path';
import type { CancelToken } from '../cancel';
import type { Logger } from '../logger';
import { shellQuote } from '../variables';
import { launchFromSettings, type LaunchSettings, type PytestLaunch } from './launch';
import { PLUGIN_MODULE } from './protocol';
import type { TryVerdict } from './pollution';
import type { SessionOutcome } from './session';
import { runPytestSession } from './session';

/**
 * The parts of Find the Polluting Test that run pytest, shared by the CLI and the Testing view: the candidates
 * (the tests that run before the failing one in a run of its folder) and the verdict of one try.
 */

/** The tests before `failing` in pytest's order for its folder; node ids relative to the rootdir. */
export async function testsBefore(opts: {
  ini: string;
  failing: string;
  settings: LaunchSettings;
  pluginDir: string;
  token?: CancelToken;
  logger?: Logger;
}): Promise<{ kind: 'ok'; candidates: string[] } | { kind: 'failed'; problem: string }> {
  const rootdir = dirname(opts.ini);
  const file = opts.failing.split('::')[0];
  const folder = join(rootdir, dirname(file));
  const { launch } = await launchFromSettings(opts.settings, {
    mode: 'collect',
    ini: opts.ini,
    collectPaths: [folder],
    pluginDir: opts.pluginDir,
  });
  const session = await runPytestSession(launch, { token: opts.token, logger: opts.logger });
  const collected = session.events.find((e) => e.event === 'collected');
  if (!collected || collected.event !== 'collected')
    return {
      kind: 'failed',
      problem:
        `pytest --collect-only of ${folder} gave no tests, so the tests that run before ${opts.failing} are not known. ${session.problem ?? ''} Pass them with --candidates.`.trim(),
    };
  const order = collected.tests.map((t) => t.nodeid);
  const at = order.indexOf(opts.failing);
  if (at < 0)
    return {
      kind: 'failed',
      problem: `${opts.failing} is not among the tests pytest collects in ${folder}: check the node id (pytest's, e.g. test_file.py::TestClass::test_name[case]).`,
    };
  return { kind: 'ok', candidates: order.slice(0, at) };
}

/** How the failing test ended in one try's session. */
export function verdictOf(outcome: SessionOutcome, failing: string, command: string): TryVerdict {
  const finished = outcome.events.find((e) => e.event === 'finished' && e.nodeid === failing);
  if (finished?.event === 'finished')
    return finished.outcome === 'failed' || finished.outcome === 'error'
      ? { kind: 'failed', command }
      : { kind: 'passed', command };
  return {
    kind: 'problem',
    message:
      `${failing} did not run in the try (${command}). ${outcome.problem ?? outcome.tail.slice(-5).join('\n')}`.trim(),
  };
}

/** The try's command line as a person reruns it: without the extension's plugin (not on their PYTHONPATH) and colors. */
export function reproduceCommand(launch: PytestLaunch): string {
  const args = launch.args.filter(
    (a, i, all) =>
      !(a === '-p' && all[i + 1] === PLUGIN_MODULE) &&
      !(a === PLUGIN_MODULE && all[i - 1] === '-p') &&
      a !== '--color=yes',
  );
  return [launch.command, ...args].map(shellQuote).join(' ');
}
