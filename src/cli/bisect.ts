import { join, resolve } from 'node:path';
import { CancelSource } from '../core/cancel';
import { prepareHeadlessDjango } from '../core/django/headlessDjango';
import { describeMode, isModeSetting, type DjangoModeSetting } from '../core/django/mode';
import { stderrLogger } from '../core/logger';
import { groupNodeIds, runHeadless, workspaceSettings } from '../core/pytest/headless';
import { nodeIdArg } from '../core/pytest/launch';
import { describePollution, findPolluters } from '../core/pytest/pollution';
import { reproduceCommand, testsBefore, verdictOf } from '../core/pytest/pollutionTries';
import { writeJson, writeLines } from './output';
import { UsageError, type Verb, type VerbArgs } from './verb';

interface BisectFlags {
  workspace: string;
  failing: string;
  candidates?: string[];
  json: boolean;
  python?: string;
  django?: DjangoModeSetting;
  verbose: boolean;
}

function bisectFlags({ values, positionals }: VerbArgs): BisectFlags {
  const failing = values.failing as string | undefined;
  if (!failing) throw new UsageError('bisect needs --failing ID: the test that fails in the suite.');
  if (positionals.length)
    throw new UsageError(`bisect takes no positional arguments (got ${positionals.join(' ')}).`);
  const django = values.django as string | undefined;
  if (django !== undefined && !isModeSetting(django))
    throw new UsageError(`--django must be auto, shared or session, not "${django}".`);
  return {
    workspace: resolve((values.workspace as string | undefined) ?? '.'),
    failing,
    candidates: values.candidates as string[] | undefined,
    json: values.json === true,
    python: values.python as string | undefined,
    django,
    verbose: values.verbose === true,
  };
}

export const bisectVerb: Verb = {
  name: 'bisect',
  summary:
    'Finds the test that makes a test fail in the suite when it passes alone (Find the Polluting Test).',
  usage:
    '--failing ID [--candidates ID...] [--workspace DIR] [--python PATH] [--django auto|shared|session] [--json]',
  options: {
    failing: { type: 'string', value: 'ID', help: 'the test that fails in the suite (node id, as for run)' },
    candidates: {
      type: 'string',
      value: 'ID',
      multiple: true,
      help: 'the tests that may pollute it, in run order (default: the tests that run before it in a run of its folder)',
    },
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
    python: {
      type: 'string',
      value: 'PATH',
      help: 'the interpreter (default: codespaceTests.python.interpreter)',
    },
    django: {
      type: 'string',
      value: 'MODE',
      help: 'who owns Django: auto, shared (a fresh managed Django for every try) or session (every try is a session that starts its own). Default: codespaceTests.django.mode, else auto',
    },
    json: { type: 'boolean', help: 'print {polluters, tries, command, result, message}' },
  },
  details: [
    'First checks that the test passes alone, then halves the candidates, each try with a fresh Django:',
    'at most ceil(log2 n) + 2 tries. Progress goes to stderr.',
    'Exit codes: 0 polluters found, 1 not pollution (fails alone, or passes in every try) or a problem,',
    '2 usage error, 130 cancelled.',
  ].join('\n'),
  async run(args) {
    const flags = bisectFlags(args);
    const logger = stderrLogger(flags.verbose);
    const cwd = process.cwd();
    const settings = await workspaceSettings(
      flags.workspace,
      flags.python ? { interpreter: flags.python } : {},
    );
    const groups = groupNodeIds([flags.failing, ...(flags.candidates ?? [])], flags.workspace, cwd);
    if ('error' in groups) {
      await writeLines([groups.error], process.stderr);
      return 2;
    }
    if (groups.length > 1) {
      await writeLines(
        ['--failing and --candidates must be governed by the same pytest.ini.'],
        process.stderr,
      );
      return 2;
    }
    const [{ ini, nodeIds }] = groups;
    const [failing, ...given] = nodeIds;
    const rootdir = join(ini, '..');
    const pluginDir = join(__dirname, 'python');
    const source = new CancelSource();
    const cancel = () => source.cancel();
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    try {
      let candidates = given.filter((id) => id !== failing);
      if (!flags.candidates) {
        const before = await testsBefore({ ini, failing, settings, pluginDir, token: source.token, logger });
        if (before.kind === 'failed') {
          await writeLines([before.problem], process.stderr);
          return 1;
        }
        candidates = before.candidates;
      }
      await writeLines(
        [`${candidates.length} tests run before ${flags.failing}: bisecting them.`],
        process.stderr,
      );
      let saidMode = false;
      const result = await findPolluters({
        candidates,
        token: source.token,
        onTry: (p) =>
          logger.info(
            `try ${p.attempt} of at most ${p.maxTries}: ${p.candidates} test(s) before it: ${p.verdict.kind === 'problem' ? p.verdict.message : p.verdict.kind}`,
          ),
        tryRun: async (set) => {
          // A fresh Django for every try: started and stopped here in shared mode; the session's own otherwise.
          const django = await prepareHeadlessDjango({
            workspace: flags.workspace,
            mode: flags.django,
            inis: [ini],
            killPort: false,
            logger,
          });
          if (!saidMode) await writeLines([describeMode(django.choice)], process.stderr);
          saidMode = true;
          if (django.kind !== 'ready') return { kind: 'problem', message: django.message };
          try {
            const { launch, outcome } = await runHeadless({
              ini,
              nodeIds: [...set, failing],
              settings,
              extraEnv: django.env,
              pluginDir,
              token: source.token,
              logger,
            });
            return verdictOf(outcome, failing, reproduceCommand(launch));
          } finally {
            await django.stop();
          }
        },
      });
      const shown = (id: string) => nodeIdArg(id, rootdir, cwd);
      const polluters = result.kind === 'found' ? result.polluters.map(shown) : [];
      const message = describePollution(
        result.kind === 'found' ? { ...result, polluters } : result,
        flags.failing,
      );
      const command = result.kind === 'found' || result.kind === 'failsAlone' ? result.command : '';
      if (flags.json)
        await writeJson({ polluters, tries: result.tries, command, result: result.kind, message });
      else await writeLines([message]);
      if (result.kind === 'cancelled') return 130;
      return result.kind === 'found' ? 0 : 1;
    } finally {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
    }
  },
};
