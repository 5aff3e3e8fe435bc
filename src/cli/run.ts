import { join, resolve } from 'node:path';
import { CancelSource } from '../core/cancel';
import { stderrLogger } from '../core/logger';
import { groupNodeIds, runHeadless, workspaceSettings } from '../core/pytest/headless';
import type { FinishedEvent } from '../core/pytest/protocol';
import { writeAll, writeJson, writeLines } from './output';
import { UsageError, type Verb, type VerbArgs } from './verb';

/** The run verb's flags as typed values: add a flag here and in `options` below. */
interface RunFlags {
  workspace: string;
  json: boolean;
  python?: string;
  command?: string;
  verbose: boolean;
  nodeIds: string[];
}

function runFlags({ values, positionals }: VerbArgs): RunFlags {
  if (!positionals.length) throw new UsageError('run needs at least one node id.');
  return {
    workspace: resolve((values.workspace as string | undefined) ?? '.'),
    json: values.json === true,
    python: values.python as string | undefined,
    command: values.command as string | undefined,
    verbose: values.verbose === true,
    nodeIds: positionals,
  };
}

export const runVerb: Verb = {
  name: 'run',
  summary: "Runs tests with the extension's pytest plugin, as the Testing view's Run does.",
  usage: '[--workspace DIR] [--python PATH] [--command CMD] [--json] <node id>...',
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
      help: 'print {results: [{nodeid, outcome, duration, message}]} instead of pytest output',
    },
  },
  details: [
    'Node ids are paths relative to the current folder followed by ::names, e.g.',
    '  backend/oracles/tests/integration/test_deploy.py::TestDeployments::test_whoami',
    'Exit codes: 0 all passed, 1 a test failed or the session had a problem, 2 usage error, 130 cancelled.',
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
    const source = new CancelSource();
    const cancel = () => source.cancel();
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    const results: FinishedEvent[] = [];
    let failed = false;
    try {
      for (const g of groups) {
        const output: Promise<void>[] = [];
        const { launch, outcome } = await runHeadless({
          ini: g.ini,
          nodeIds: g.nodeIds,
          settings,
          pluginDir: join(__dirname, 'python'),
          token: source.token,
          logger,
          color: !flags.json && process.stdout.isTTY,
          onOutput: flags.json ? undefined : (c) => void output.push(writeAll(c)),
          onEvent: (e) => e.event === 'finished' && results.push(e),
        });
        await Promise.all(output);
        if (!flags.json) await writeLines([`$ ${launch.display}`], process.stderr);
        if (outcome.problem) {
          await writeLines([outcome.problem], process.stderr);
          failed = true;
        }
        if (outcome.cancelled) return 130;
      }
    } finally {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
    }
    if (flags.json)
      await writeJson({
        results: results.map((r) => ({
          nodeid: r.nodeid,
          outcome: r.outcome,
          duration: r.duration,
          message: r.failure?.message ?? r.reason,
        })),
      });
    failed ||= results.some((r) => r.outcome === 'failed' || r.outcome === 'error');
    return failed ? 1 : 0;
  },
};
