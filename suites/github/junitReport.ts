// Real pytest's JUnit report, as the CI workflow writes it for its `junit` artifact. Shared by the
// integration and extension-host tiers (the UI tier is plain .mjs and cannot import TypeScript).
import { spawnSync } from 'node:child_process';

/** Real pytest with --junitxml=`out`, run from `cwd` as CI runs it; returns `out`. */
export function pytestJUnit(cwd: string, args: string[], out: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', `--junitxml=${out}`, ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
      timeout: 120_000,
    },
  );
  // 0 all passed, 1 some failed: both write a report. Anything else is the test's problem.
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`pytest exited ${r.status}: ${r.stdout}\n${r.stderr}`);
  return out;
}
