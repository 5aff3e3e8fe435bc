import { delimiter, dirname, relative } from 'node:path';
import { discoverFolder } from '../pytest/discovery';
import { PLUGIN_MODULE } from '../pytest/protocol';
import { collectionFromEvents } from '../pytest/collection';
import { runPytestSession } from '../pytest/session';
import { decideOverlap, ignoreArg, pythonTestsCwd } from '../pytest/pythonExtension';
import { expandVariables, shellQuote } from '../variables';
import { FixCommandIds } from './fixes';
import type { Check, CheckGroup, DoctorContext, Finding } from './types';

/** The Python extension's own pytest discovery beside ours: one tree for the integration tests, not two. */
export const pythonExtensionChecks: CheckGroup = (ctx) =>
  [
    { id: 'python.extensionDiscovery', title: 'Python extension discovery', run: () => overlapFinding(ctx) },
  ] satisfies Check[];

/** How many file names a row lists before "and N more". */
const SHOWN_FILES = 4;

async function overlapFinding(ctx: DoctorContext): Promise<Finding> {
  const s = ctx.settings;
  const py = s.pythonTesting;
  if (!py.pytestEnabled)
    return {
      status: 'ok',
      message:
        "The Python extension's pytest discovery is off (python.testing.pytestEnabled), so only this extension shows the integration tests.",
    };
  const ours = await ourTestFiles(ctx.inis);
  const decision = decideOverlap(py, s.workspace, ours);
  const settled: Settled =
    decision.kind === 'unsure'
      ? await collectedByPytest(ctx, ours, decision.why)
      : decision.kind === 'overlap'
        ? { kind: 'overlap', files: decision.files, by: 'rules' }
        : decision;
  const cwd = pythonTestsCwd(py, s.workspace);
  const what = `The Python extension's pytest discovery (in ${relative(s.workspace, cwd) || 'the workspace folder'}${py.pytestArgs.length ? `, with ${py.pytestArgs.map(shellQuote).join(' ')}` : ''})`;
  if (settled.kind === 'failed')
    return {
      status: 'skip',
      message: `${what} could not be decided: ${settled.why}; pytest --collect-only did not tell either (${settled.problem}).`,
    };
  if (settled.kind === 'apart' || settled.kind === 'off')
    return {
      status: 'ok',
      message: `${what} does not collect the integration tests${settled.kind === 'apart' ? `: ${settled.why}` : ''}.`,
    };
  const shown = settled.files.map((f) => relative(s.workspace, f));
  const list =
    shown.slice(0, SHOWN_FILES).join(', ') +
    (shown.length > SHOWN_FILES ? ` and ${shown.length - SHOWN_FILES} more` : '');
  // One --ignore per integration folder it reaches (a folder per pytest.ini).
  const folders = [...new Set(ctx.inis.map((ini) => dirname(ini)))].filter((dir) =>
    settled.files.some((f) => !relative(dir, f).startsWith('..')),
  );
  const after = [...py.pytestArgs, ...folders.map((f) => ignoreArg(f, cwd))];
  return {
    status: 'warn',
    message:
      `${what} also collects ${list}${settled.by === 'pytest' ? ' (by pytest --collect-only)' : ''}: ` +
      "the Testing view shows them twice, and the Python extension's Run starts them without the port check, Django, logs or the leak check.",
    fix: {
      text:
        `Add ${after.slice(py.pytestArgs.length).join(' ')} to python.testing.pytestArgs in the workspace settings, so the Python extension shows the unit tests only (you accept the change first). ` +
        'Or keep both, knowing that this extension runs them with Django and logs, and the Python extension without.',
      command: FixCommandIds.ignoreInPythonTests,
      args: [s.workspace, after],
    },
  };
}

/** The test files our tree shows: those of each integration pytest.ini. */
async function ourTestFiles(inis: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    inis.map(async (ini) => (await discoverFolder(dirname(ini), '**/*.py')).filter((f) => f.ini === ini)),
  );
  return found.flat().map((f) => f.path);
}

/** The answer, by pytest's rules read here or by pytest itself. */
type Settled =
  | { kind: 'off' }
  | { kind: 'apart'; why: string }
  | { kind: 'overlap'; files: string[]; by: 'rules' | 'pytest' }
  | { kind: 'failed'; why: string; problem: string };

/** The static read was unsure: pytest collects as the Python extension would (its cwd, its arguments). */
async function collectedByPytest(ctx: DoctorContext, ours: readonly string[], why: string): Promise<Settled> {
  const s = ctx.settings;
  const cwd = pythonTestsCwd(s.pythonTesting, s.workspace);
  const args = [
    '-m',
    'pytest',
    '-p',
    PLUGIN_MODULE,
    '--collect-only',
    '-q',
    ...expandVariables(s.pythonTesting.pytestArgs, s.workspace),
  ];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.PYTHONPATH = env.PYTHONPATH ? `${ctx.pluginDir}${delimiter}${env.PYTHONPATH}` : ctx.pluginDir;
  const outcome = await runPytestSession(
    {
      command: s.interpreter,
      args,
      pytestArgs: args.slice(2),
      env,
      cwd,
      display: [s.interpreter, ...args].map(shellQuote).join(' '),
    },
    { token: ctx.token, logger: ctx.logger },
  );
  if (!outcome.connected)
    return { kind: 'failed', why, problem: outcome.problem ?? outcome.tail.slice(-1)[0] ?? 'no results' };
  const result = collectionFromEvents(outcome.events);
  const seen = new Set([...result.tests.map((t) => t.file), ...result.errors.map((e) => e.file)]);
  const files = ours.filter((f) => seen.has(f));
  return files.length
    ? { kind: 'overlap', files, by: 'pytest' }
    : { kind: 'apart', why: `pytest --collect-only collects none of them (asked because ${why})` };
}
