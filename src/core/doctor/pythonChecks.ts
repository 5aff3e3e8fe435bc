import { stripVTControlCharacters } from 'node:util';
import { buildLaunch, type CommandSpec } from '../django/launch';
import { describeExit, runToEnd } from '../process/childProcess';
import { which } from '../python';
import { shellQuote } from '../variables';
import { testCommand, testPythonOf, type TestCommand } from '../testPython';
import { coverageInstalled } from '../coverage/coverageRun';
import { settingFix, terminalFix } from './fixes';
import type { Check, CheckGroup, DoctorSettings, Finding } from './types';

const PROCESS_TIMEOUT_MS = 15_000;

/** What prints the versions: one line "python|django|pytest". */
const IMPORT_CHECK =
  'import sys, django, pytest; print(sys.executable + "|" + django.get_version() + "|" + pytest.__version__)';

/** The test command, the Python it runs, and whether Django is migrated. */
export const pythonChecks: CheckGroup = (ctx) => {
  const s = ctx.settings;
  const command = testCommand(s.testCommand, s.interpreter);
  return [
    { id: 'python.testCommand', title: 'Test command', run: () => testCommandFinding(command) },
    { id: 'python.packages', title: 'Django and pytest import', run: () => packagesFinding(s, command) },
    { id: 'django.migrations', title: 'Migrations applied', run: () => migrationsFinding(s) },
    {
      id: 'python.coverage',
      title: 'coverage.py (the Coverage profile)',
      run: () => coverageFinding(s, command),
    },
  ] satisfies Check[];
};

async function testCommandFinding(pending: Promise<TestCommand>): Promise<Finding> {
  const c = await pending;
  const fix = settingFix(
    'Set codespaceTests.tests.command to the command that runs pytest (or codespaceTests.python.interpreter).',
    'tests.command',
  );
  if (c.kind === 'broken') return { status: 'fail', message: c.message, fix };
  if (c.kind === 'uv') return { status: 'ok', message: `"${c.words.join(' ')}" with uv at ${c.uv}.` };
  const program = await which(c.words[0]);
  if (!program) {
    const what = c.kind === 'fallback' ? 'the interpreter (uv is not on PATH)' : 'its program';
    return {
      status: 'fail',
      message: `"${c.words.join(' ')}" cannot run: ${what} "${c.words[0]}" was not found.`,
      fix:
        c.kind === 'fallback'
          ? settingFix(
              'Install uv, or set codespaceTests.python.interpreter to the Python that has the project installed.',
              'python.interpreter',
            )
          : fix,
    };
  }
  if (c.kind === 'fallback')
    return { status: 'ok', message: `uv is not on PATH, so the tests run as "${c.words.join(' ')}".` };
  return { status: 'ok', message: `"${c.words.join(' ')}" (${program}).` };
}

async function packagesFinding(s: DoctorSettings, pending: Promise<TestCommand>): Promise<Finding> {
  const c = await pending;
  const python = testPythonOf(c, s.interpreter);
  const shown = python.display;
  const { exit, stdout, stderr } = await runToEnd({
    command: python.command,
    args: [...python.args, '-c', IMPORT_CHECK],
    cwd: s.workspace,
    name: 'Python import check',
    timeoutMs: PROCESS_TIMEOUT_MS,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  const [executable, django, pytest] = line.split('|');
  if (exit.kind === 'exited' && exit.code === 0 && pytest)
    return { status: 'ok', message: `Django ${django} and pytest ${pytest} (${executable}).` };
  const why = lastLine(stderr) || describeExit(exit);
  return {
    status: 'fail',
    message: `${shown} cannot import Django and pytest: ${why}.`,
    fix:
      c.kind === 'uv'
        ? terminalFix("Install the project's packages: uv sync.", 'uv sync', s.workspace)
        : settingFix(
            "Point codespaceTests.python.interpreter at the Python that has the project's packages, or install them (pip install django pytest pytest-django).",
            'python.interpreter',
          ),
  };
}

/** coverage.py in the tests' Python: only the Coverage profile needs it, so its absence is a warning. */
async function coverageFinding(s: DoctorSettings, pending: Promise<TestCommand>): Promise<Finding> {
  const python = testPythonOf(await pending, s.interpreter);
  const installed = await coverageInstalled(python, s.workspace);
  if (installed.kind === 'installed')
    return { status: 'ok', message: `coverage.py ${installed.version} (${python.display}).` };
  return {
    status: 'warn',
    message: installed.message,
    fix: terminalFix(`Add coverage.py: ${installed.fix}.`, installed.fix, s.workspace),
  };
}

/** `manage.py migrate --check`, with the prefix of the server's start command (uv or the interpreter). */
async function migrateCheckCommand(s: DoctorSettings): Promise<CommandSpec | undefined> {
  const launch = await buildLaunch(
    {
      command: s.djangoCommand,
      host: s.host,
      port: s.port,
      cwd: s.djangoCwd,
      env: s.djangoEnv,
      healthPath: '/',
      startTimeoutSeconds: 1,
      apiKeyCommand: s.apiKeyCommand,
      interpreter: s.interpreter,
    },
    { ...process.env, ...s.djangoEnv },
  );
  if (!launch.migrate) return undefined;
  return { ...launch.migrate, args: [...launch.migrate.args.filter((a) => a !== '--noinput'), '--check'] };
}

async function migrationsFinding(s: DoctorSettings): Promise<Finding> {
  const spec = await migrateCheckCommand(s);
  if (!spec)
    return {
      status: 'skip',
      message: 'No manage.py in codespaceTests.django.command, so migrations cannot be checked.',
      fix: settingFix('Set codespaceTests.django.command to your runserver command.', 'django.command'),
    };
  const shown = [spec.command, ...spec.args].map(shellQuote).join(' ');
  const { exit, stdout, stderr } = await runToEnd({
    ...spec,
    cwd: s.djangoCwd,
    name: 'migrate --check',
    timeoutMs: PROCESS_TIMEOUT_MS,
  });
  if (exit.kind === 'exited' && exit.code === 0) return { status: 'ok', message: 'No unapplied migrations.' };
  const migrate = shown.replace(/ --check$/, '');
  if (exit.kind === 'exited' && exit.code === 1 && !/Traceback|Error/.test(stderr)) {
    const pending = stdout.split('\n').filter((l) => /^\s+Apply|^\s*\w+\.\d{4}_/.test(l)).length;
    return {
      status: 'fail',
      message: `Django has unapplied migrations${pending ? ` (${pending})` : ''}: the server and the API-key command need the tables.`,
      fix: terminalFix(`Run ${migrate}.`, migrate, s.djangoCwd, s.djangoEnv),
    };
  }
  return {
    status: 'fail',
    message: `"${shown}" failed: ${lastLine(stderr) || describeExit(exit)}.`,
    fix: settingFix(
      'Check codespaceTests.django.command and codespaceTests.django.cwd (manage.py must be found from there).',
      'django.command',
    ),
  };
}

function lastLine(text: string): string {
  return (
    stripVTControlCharacters(text)
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .pop()
      ?.trim() ?? ''
  );
}
