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

/** Real pytest's console output for `args` (add `-v` for result lines), `--color=yes`, run from `cwd`. */
export function pytestOutput(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-m', 'pytest', '-p', 'no:cacheprovider', '--color=yes', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
      timeout: 120_000,
    },
  );
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`pytest exited ${r.status}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Real pytest's output for `args` (add `-v` for result lines), framed as GitHub Actions frames a job's log: a
 * BOM, then every line after a timestamp (100 ms apart), colours kept.
 */
export function pytestJobLog(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const start = Date.parse('2024-05-01T12:00:00Z');
  const stamp = (i: number) => new Date(start + i * 100).toISOString().replace(/Z$/, '0000Z');
  return `\ufeff${pytestOutput(cwd, args, env)
    .split('\n')
    .map((line, i) => `${stamp(i)} ${line}`)
    .join('\n')}`;
}
