import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describeExit, runToEnd } from '../process/childProcess';
import type { LaunchWrap } from '../django/launch';
import { testPython, type TestPython } from '../testPython';
import { parseCoverageJson, type CoverageReport } from './report';

/**
 * One Coverage run: its folder (the rcfile, the data files of every measured process, the control sockets
 * that switch contexts test by test), the variables that start coverage.py in pytest and in the Django that
 * serves it, and, after the run, the combined data as a report. The Python side is
 * `python/codespace_tests_coverage.py` and `python/coverage_boot/`; change them together.
 */

/** The run's folder; the plugin and the start-up read it. */
const COVERAGE_ENV_VAR = 'CODESPACE_TESTS_COVERAGE';
/** `0`: one context for the whole run (no switching per test). */
const CONTEXTS_ENV_VAR = 'CODESPACE_TESTS_COVERAGE_CONTEXTS';
/** coverage.py's own: the rcfile `coverage.process_startup()` starts with. */
const START_ENV_VAR = 'COVERAGE_PROCESS_START';
const PROCESS_TIMEOUT_MS = 120_000;

export interface CoverageRun {
  folder: string;
  rcfile: string;
  dataFile: string;
  /** The folder that starts coverage.py as Python starts (its sitecustomize): first on PYTHONPATH. */
  bootDir: string;
  /** For pytest (with `bootDir` on its PYTHONPATH). */
  env: Record<string, string>;
}

/** The rcfile: the workspace measured with branches, each process's data file apart, saved on SIGTERM too. */
export function coverageRc(workspace: string, dataFile: string): string {
  return [
    '[run]',
    'branch = True',
    'parallel = True',
    `data_file = ${dataFile}`,
    `source = ${workspace}`,
    'omit =',
    '    */.venv/*',
    '    */site-packages/*',
    '    */dist-packages/*',
    'sigterm = True',
    '',
  ].join('\n');
}

async function startCoverageRun(opts: {
  workspace: string;
  /** Folder of the plugin (out/python). */
  pluginDir: string;
  /** Switch contexts test by test (default); false: whole-run coverage. */
  byTest?: boolean;
}): Promise<CoverageRun> {
  // Short: the control sockets' paths must fit a unix socket address.
  const folder = await mkdtemp(join(tmpdir(), 'cst-cov-'));
  await mkdir(join(folder, 'data'));
  const dataFile = join(folder, 'data', '.coverage');
  const rcfile = join(folder, 'coveragerc');
  await writeFile(rcfile, coverageRc(opts.workspace, dataFile));
  return {
    folder,
    rcfile,
    dataFile,
    bootDir: join(opts.pluginDir, 'coverage_boot'),
    env: {
      [START_ENV_VAR]: rcfile,
      [COVERAGE_ENV_VAR]: folder,
      [CONTEXTS_ENV_VAR]: opts.byTest === false ? '0' : '1',
    },
  };
}

/** The managed Django's environment for a Coverage run: the run's variables, the start-up first on PYTHONPATH. */
function serverCoverageEnv(
  run: CoverageRun,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const path = env.PYTHONPATH;
  return { ...env, ...run.env, PYTHONPATH: path ? `${run.bootDir}${delimiter}${path}` : run.bootDir };
}

type CoverageResult =
  | { kind: 'report'; report: CoverageReport; json: string; lcov?: string }
  | { kind: 'failed'; problem: string };

/**
 * After the run: `coverage combine` of every process's data, then `coverage json --show-contexts` (and
 * `coverage lcov` when asked) run in `cwd` by the tests' Python; JSON and LCOV go to `outDir` (the run's
 * folder by default).
 */
export async function finishCoverageRun(
  run: CoverageRun,
  python: TestPython,
  opts: { cwd: string; outDir?: string; lcov?: boolean },
): Promise<CoverageResult> {
  const outDir = opts.outDir ?? run.folder;
  await mkdir(outDir, { recursive: true });
  const json = join(outDir, 'coverage.json');
  const lcov = join(outDir, 'coverage.lcov');
  const env = { ...process.env, COVERAGE_FILE: run.dataFile, COVERAGE_RCFILE: run.rcfile };
  const steps: [string, string[]][] = [
    ['combine', ['combine', '-q', join(run.folder, 'data')]],
    ['json', ['json', '-q', '--show-contexts', '-o', json]],
    ...(opts.lcov ? ([['lcov', ['lcov', '-q', '-o', lcov]]] as [string, string[]][]) : []),
  ];
  for (const [name, args] of steps) {
    const r = await runToEnd({
      command: python.command,
      args: [...python.args, '-m', 'coverage', ...args],
      cwd: opts.cwd,
      env,
      name: `coverage ${name}`,
      timeoutMs: PROCESS_TIMEOUT_MS,
    });
    if (r.exit.kind !== 'exited' || r.exit.code !== 0) {
      const why = (r.stderr.trim() || r.stdout.trim()).split('\n').pop() || describeExit(r.exit);
      return {
        kind: 'failed',
        problem:
          name === 'combine' && /No data to combine/i.test(r.stderr + r.stdout)
            ? 'coverage.py recorded no data: no measured process saved any (did the tests run?).'
            : `"${python.display} -m coverage ${name}" failed: ${why}`,
      };
    }
  }
  try {
    const report = parseCoverageJson(await readFile(json, 'utf8'), opts.cwd);
    return { kind: 'report', report, json, ...(opts.lcov ? { lcov } : {}) };
  } catch (e) {
    return {
      kind: 'failed',
      problem: `coverage.py's JSON report ${json} could not be read: ${(e as Error).message}`,
    };
  }
}

export async function removeCoverageRun(run: CoverageRun): Promise<void> {
  await rm(run.folder, { recursive: true, force: true });
}

/** What `import coverage` in the tests' Python says: its version, or the message naming the command that adds it. */
type CoverageInstalled =
  { kind: 'installed'; version: string } | { kind: 'missing'; message: string; fix: string };

export async function coverageInstalled(python: TestPython, cwd: string): Promise<CoverageInstalled> {
  const r = await runToEnd({
    command: python.command,
    args: [...python.args, '-c', 'import coverage; print(coverage.__version__)'],
    cwd,
    name: 'coverage.py check',
    timeoutMs: 30_000,
  });
  const version = r.stdout.trim().split('\n').pop() ?? '';
  if (r.exit.kind === 'exited' && r.exit.code === 0 && version) return { kind: 'installed', version };
  const fix = python.uv ? 'uv add --dev coverage' : `${python.display} -m pip install coverage`;
  const why = r.stderr.trim().split('\n').pop() || describeExit(r.exit);
  return {
    kind: 'missing',
    fix,
    message: `coverage.py is not installed in the tests' Python (${python.display}: ${why}), so the Coverage run cannot measure anything. Add it with: ${fix}`,
  };
}

type CoveragePrep =
  { kind: 'missing'; message: string; fix: string } | { kind: 'ready'; run: CoverageRun; python: TestPython };

/** Before a Coverage run: coverage.py in the tests' Python (else the message), then the run's folder. */
export async function prepareCoverage(opts: {
  workspace: string;
  pluginDir: string;
  /** codespaceTests.tests.command and the interpreter. */
  command: string;
  interpreter: string;
  byTest?: boolean;
}): Promise<CoveragePrep> {
  const python = await testPython(opts.command, opts.interpreter);
  const installed = await coverageInstalled(python, opts.workspace);
  if (installed.kind === 'missing') return installed;
  return { kind: 'ready', python, run: await startCoverageRun(opts) };
}

/** The managed Django's start under coverage.py for the run (and test by test when the run is). */
export function coverageWrap(run: CoverageRun): LaunchWrap {
  return (spec) => ({ ...spec, env: serverCoverageEnv(run, spec.env) });
}
