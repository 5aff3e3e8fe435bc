import { join, resolve } from 'node:path';
import { coverageWrap, prepareCoverage } from '../core/coverage/coverageRun';
import { coverageOfRun } from './runCoverage';
import { CancelSource, type CancelToken } from '../core/cancel';
import { stderrLogger, type Logger } from '../core/logger';
import { groupNodeIds, runHeadless, workspaceSettings } from '../core/pytest/headless';
import { settingsReader, type SettingsGet } from '../core/settings';
import { leakCheckEnv, leakSummary, type LeakRecord } from '../core/pytest/leaks';
import { ClusterLeftoverCheck, leftoverSummary } from '../core/pytest/clusterLeftovers';
import { LogStore } from '../core/logs/logStore';
import { storeDjangoLine } from '../core/pytest/djangoLines';
import type { FinishedEvent } from '../core/pytest/protocol';
import type { TestEvidence } from '../core/pytest/testEvidence';
import { prepareHeadlessDjango } from '../core/django/headlessDjango';
import { findPortRefusal, waitUntilPortIsClear, type PortRefusal } from '../core/django/portRefusal';
import { describeMode, isModeSetting, type DjangoModeSetting } from '../core/django/mode';
import { writeAll, writeJson, writeLines } from './output';
import { evidenceOfTests, evidenceText, failed } from './runEvidence';
import { UsageError, type Verb, type VerbArgs } from './verb';

/** The run verb's flags as typed values: add a flag here and in `options` below. */
interface RunFlags {
  workspace: string;
  json: boolean;
  python?: string;
  command?: string;
  verbose: boolean;
  django?: DjangoModeSetting;
  killPort: boolean;
  leaks: boolean;
  logs: boolean;
  retryWhenPortFree: boolean;
  /** --coverage: where coverage.py's JSON and LCOV files go (--coverage-dir); undefined without it. */
  coverageDir?: string;
  nodeIds: string[];
}

function runFlags({ values, positionals }: VerbArgs): RunFlags {
  if (!positionals.length) throw new UsageError('run needs at least one node id.');
  const django = values.django as string | undefined;
  if (django !== undefined && !isModeSetting(django))
    throw new UsageError(`--django must be auto, shared or session, not "${django}".`);
  return {
    django,
    killPort: values['kill-port'] === true,
    leaks: values.leaks === true,
    logs: values.logs === true,
    retryWhenPortFree: values['retry-when-port-free'] === true,
    workspace: resolve((values.workspace as string | undefined) ?? '.'),
    json: values.json === true,
    python: values.python as string | undefined,
    command: values.command as string | undefined,
    verbose: values.verbose === true,
    coverageDir:
      values.coverage === true
        ? resolve((values['coverage-dir'] as string | undefined) ?? 'coverage')
        : undefined,
    nodeIds: positionals,
  };
}

export const runVerb: Verb = {
  name: 'run',
  summary: "Runs tests with the extension's pytest plugin, as the Testing view's Run does.",
  usage:
    '[--workspace DIR] [--python PATH] [--command CMD] [--json] [--django auto|shared|session] [--kill-port] [--retry-when-port-free] [--leaks] [--logs] [--coverage [--coverage-dir DIR]] <node id>...',
  options: {
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
    python: {
      type: 'string',
      value: 'PATH',
      help: 'the interpreter (default: codespaceTests.python.interpreter)',
    },
    command: {
      type: 'string',
      value: 'CMD',
      help: 'the pytest command (default: codespaceTests.tests.command, "uv run pytest")',
    },
    json: {
      type: 'boolean',
      help: 'print {results: [{nodeid, outcome, duration, message}]} instead of pytest output; a failed test also has its evidence: logs: [{source, time, text, level?}] (Django, pod lines, events; time in ms since the epoch), restarts and logNotes',
    },
    logs: {
      type: 'boolean',
      help: "every test's evidence, not only a failed test's (stderr, or logs in --json)",
    },
    django: {
      type: 'string',
      value: 'MODE',
      help: 'who owns Django: auto, shared (start the managed Django, stop it at exit) or session (the test session starts its own; the port is checked first). Default: codespaceTests.django.mode, else auto',
    },
    'kill-port': {
      type: 'boolean',
      help: "kill the process holding Django's port first (otherwise a taken port exits 3, naming it)",
    },
    'retry-when-port-free': {
      type: 'boolean',
      help: 'session mode: when the session refused its own port although nothing listens on it (closed connections in TIME_WAIT), wait until the port is clear (up to a minute) and run once more',
    },
    leaks: {
      type: 'boolean',
      help: 'leak check: the rows each test left in Django\'s database and the objects it left in the cluster (Deployments, pods, Services, Knative services, codespaceTests.leaks.kinds), listed by test at the end (--json: "leaks": [{nodeid, table, rows, ids}] and [{nodeid, kind, namespace, name}]); also on with codespaceTests.leaks.check',
    },
    coverage: {
      type: 'boolean',
      help: 'measure with coverage.py, in pytest and in the Django that serves the tests, test by test; prints lines covered per file (--json: "coverage": {files: [{file, covered, total, branches?}], json, lcov}) and writes coverage.json and coverage.lcov to --coverage-dir',
    },
    'coverage-dir': {
      type: 'string',
      value: 'DIR',
      help: "where --coverage writes coverage.py's coverage.json and coverage.lcov (default: ./coverage)",
    },
  },
  details: [
    'Node ids are paths relative to the current folder followed by ::names, e.g.',
    '  backend/oracles/tests/integration/test_deploy.py::TestDeployments::test_whoami',
    'The chosen Django mode, and why, is printed on stderr.',
    "A test's evidence is its window's Django lines, the lines of the pods matching",
    'codespaceTests.doctor.pynodeSelector, doctor.modelSelector and logs.podSelectors in',
    'codespaceTests.kube.namespaces, and their events (kube.kubeconfig, kube.context; 2 s at most per test);',
    'without a cluster the notes say so. Printed on stderr, or as logs with --json.',
    'Exit codes: 0 all passed, 1 a test failed or the session had a problem, 2 usage error,',
    "3 Django's port is taken (the message names its pid and command line) or the session refused it, 130 cancelled.",
  ].join('\n'),
  async run(args) {
    const flags = runFlags(args);
    const logger = stderrLogger(flags.verbose);
    const settings = await workspaceSettings(flags.workspace, {
      ...(flags.python ? { interpreter: flags.python } : {}),
      ...(flags.command ? { command: flags.command } : {}),
    });
    const groups = groupNodeIds(flags.nodeIds, flags.workspace, process.cwd());
    if ('error' in groups) {
      await writeLines([groups.error], process.stderr);
      return 2;
    }
    const coverage = flags.coverageDir
      ? await prepareCoverage({
          workspace: flags.workspace,
          pluginDir: PLUGIN_DIR,
          command: settings.command,
          interpreter: settings.interpreter,
        })
      : undefined;
    if (coverage?.kind === 'missing') {
      await writeLines([coverage.message], process.stderr);
      return 1;
    }
    const covering = coverage?.kind === 'ready' ? coverage : undefined;
    const django = await prepareHeadlessDjango({
      workspace: flags.workspace,
      mode: flags.django,
      inis: groups.map((g) => g.ini),
      killPort: flags.killPort,
      logger,
      wrap: covering && coverageWrap(covering.run),
    });
    await writeLines([describeMode(django.choice)], process.stderr);
    if (django.kind !== 'ready') {
      await writeLines([django.message], process.stderr);
      return django.kind === 'portBusy' ? 3 : 1;
    }
    const source = new CancelSource();
    const cancel = () => source.cancel();
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    const get = await settingsReader(flags.workspace);
    const leakEnv = await leakEnvFor(flags, get, logger);
    // The cluster half of the check needs no manage.py: it runs whenever the check is asked for.
    const leftoverCheck =
      flags.leaks || get('leaks.check') ? await ClusterLeftoverCheck.begin(get) : undefined;
    let pass: RunPass;
    let refusal: PortRefusal | undefined;
    const extraEnv = { ...django.env, ...leakEnv, ...covering?.run.env };
    const pythonPathFirst = covering ? [covering.run.bootDir] : [];
    try {
      pass = await runGroups(flags, groups, settings, extraEnv, pythonPathFirst, source.token, logger);
      if (pass.cancelled) return 130;
      refusal = await refusedPort(django, pass.results);
      const sessionPort = django.sessionPort;
      if (refusal && sessionPort && flags.retryWhenPortFree) {
        await writeLines(
          [refusal.message, 'Waiting for the port to be clear, then running again…'],
          process.stderr,
        );
        const settled = await waitUntilPortIsClear({ ...sessionPort, token: source.token });
        if (settled === 'cancelled') return 130;
        pass = await runGroups(flags, groups, settings, extraEnv, pythonPathFirst, source.token, logger);
        if (pass.cancelled) return 130;
        refusal = await refusedPort(django, pass.results);
      }
    } finally {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
      // A managed server under coverage.py saves its data as it stops: before the data is combined.
      await django.stop();
    }
    const measured =
      covering && (await coverageOfRun(covering, flags.workspace, flags.coverageDir ?? covering.run.folder));
    const { results, leaks, leakCheckOff } = pass;
    const leftovers = await leftoverCheck?.end(
      results.map(({ nodeid, start, stop }) => ({ nodeid, start, stop })),
    );
    for (const note of leftovers?.notes ?? []) logger.warn(note);
    const evidence = await evidenceOfTests(results, pass.djangoLines, get, flags.logs);
    if (refusal)
      await writeLines(
        [refusal.message, ...(flags.retryWhenPortFree ? [] : ['Or pass --retry-when-port-free.'])],
        process.stderr,
      );
    if (flags.json)
      await writeJson({
        results: results.map((r, i) => ({
          nodeid: r.nodeid,
          outcome: r.outcome,
          duration: r.duration,
          message: r.failure?.message ?? r.reason,
          ...evidenceJson(evidence.get(i)),
        })),
        ...(leakEnv || leftovers ? { leaks: [...leaks, ...(leftovers?.leftovers ?? [])] } : {}),
        ...(refusal ? { problem: refusal.message } : {}),
        ...(measured ? { coverage: measured.json } : {}),
      });
    if (measured && !flags.json) await writeLines(measured.lines, process.stderr);
    else await writeLines(evidenceText(results, evidence), process.stderr);
    if (!flags.json && leakEnv && !leakCheckOff)
      await writeLines(
        leaks.length ? leakSummary(leaks) : ['Leak check: no test left rows in the database.'],
        process.stderr,
      );
    if (!flags.json && leftovers) {
      const lines = leftoverSummary(leftovers.leftovers);
      // "None" only when the cluster was compared; otherwise the notes above said why not.
      if (!lines.length && !leftovers.notes.length)
        lines.push('Leak check: no test left objects in the cluster.');
      await writeLines(lines, process.stderr);
    }
    if (refusal) return 3;
    return pass.failed || results.some(failed) ? 1 : 0;
  },
};

const PLUGIN_DIR = join(__dirname, 'python');

/** What one pass over the groups gave. */
interface RunPass {
  results: FinishedEvent[];
  leaks: LeakRecord[];
  leakCheckOff: boolean;
  /** The session's own Django, teed by the plugin: a failed test's lines are printed after the run. */
  djangoLines: LogStore;
  /** A session had a problem of its own (said on stderr). */
  failed: boolean;
  cancelled: boolean;
}

/** Runs each pytest.ini's group once, collecting the results. */
async function runGroups(
  flags: RunFlags,
  groups: readonly { ini: string; nodeIds: string[] }[],
  settings: Awaited<ReturnType<typeof workspaceSettings>>,
  extraEnv: Record<string, string>,
  pythonPathFirst: string[],
  token: CancelToken,
  logger: Logger,
): Promise<RunPass> {
  const pass: RunPass = {
    results: [],
    leaks: [],
    leakCheckOff: false,
    djangoLines: new LogStore(),
    failed: false,
    cancelled: false,
  };
  for (const g of groups) {
    const output: Promise<void>[] = [];
    const { launch, outcome } = await runHeadless({
      ini: g.ini,
      nodeIds: g.nodeIds,
      settings,
      extraEnv,
      pythonPathFirst,
      pluginDir: PLUGIN_DIR,
      token,
      logger,
      color: !flags.json && process.stdout.isTTY,
      onOutput: flags.json ? undefined : (c) => void output.push(writeAll(c)),
      onEvent: (e) => {
        if (e.event === 'finished') pass.results.push(e);
        else if (e.event === 'leaked') for (const t of e.tables) pass.leaks.push({ nodeid: e.nodeid, ...t });
        else if (e.event === 'serverOutput') storeDjangoLine(pass.djangoLines, e);
        else if (e.event === 'serverOutputNote') logger.warn(e.message);
        else if (e.event === 'leakCheck' && e.status === 'off' && !pass.leakCheckOff) {
          pass.leakCheckOff = true;
          logger.warn(`The leak check is off for this run: ${e.reason}`);
        }
      },
    });
    await Promise.all(output);
    if (!flags.json) await writeLines([`$ ${launch.display}`], process.stderr);
    if (outcome.problem) {
      await writeLines([outcome.problem], process.stderr);
      pass.failed = true;
    }
    if (outcome.cancelled) {
      pass.cancelled = true;
      break;
    }
  }
  return pass;
}

/** Session mode: the session refused its own port with nothing listening on it (the same check as the extension's). */
async function refusedPort(
  django: { sessionPort?: { host: string; port: number; lingeringAtStart: number } },
  results: readonly FinishedEvent[],
): Promise<PortRefusal | undefined> {
  if (!django.sessionPort) return undefined;
  const failureTexts = results.flatMap((r) => (r.failure ? [r.failure.text ?? r.failure.message] : []));
  if (!failureTexts.length) return undefined;
  return findPortRefusal({ ...django.sessionPort, failureTexts });
}

/** A test's evidence as its JSON fields: none for a test without it. */
function evidenceJson(e: TestEvidence | undefined) {
  if (!e) return {};
  return { logs: e.logs, ...(e.restarts.length ? { restarts: e.restarts } : {}), logNotes: e.notes };
}

/** The leak check's variables for --leaks (or codespaceTests.leaks.check); why not, said once on stderr. */
async function leakEnvFor(
  flags: RunFlags,
  get: SettingsGet,
  logger: Logger,
): Promise<Record<string, string> | undefined> {
  if (!flags.leaks && !get('leaks.check')) return undefined;
  const check = await leakCheckEnv({
    workspace: flags.workspace,
    djangoCommand: get('django.command'),
    djangoCwd: get('django.cwd'),
    projectDir: get('leaks.projectDir'),
    settingsModule: get('leaks.settingsModule'),
  });
  if (check.kind === 'on') return check.env;
  logger.warn(`The leak check is off for this run: ${check.reason}`);
  return undefined;
}
