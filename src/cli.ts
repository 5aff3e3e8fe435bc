#!/usr/bin/env node
/**
 * codespace-tests: the Test Explorer's core without VS Code, for scripts and benchmarks.
 *   codespace-tests discover [--json] [--pytest] [workspace]   the tests (node id, file, line)
 *   codespace-tests run [--workspace DIR] [--json] <node ids>   runs them with the extension's plugin
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CancelSource } from './core/cancel';
import { stderrLogger } from './core/log';
import { discoverFolder } from './core/pytest/discovery';
import { groupNodeIds, runHeadless, workspaceSettings } from './core/pytest/headless';
import type { FinishedEvent } from './core/pytest/protocol';
import { indexNodes } from './core/pytest/collection';
import { leafIds } from './core/pytest/staticReader';
import { prepareHeadlessDjango } from './core/django/headlessDjango';
import { describeMode, isModeSetting, type DjangoModeSetting } from './core/django/mode';

const USAGE = `usage:
  codespace-tests discover [--json] [workspace]
  codespace-tests run [--workspace DIR] [--python PATH] [--command CMD] [--json]
                      [--django auto|shared|session] [--kill-port] <node id>...
    --django     who owns Django (default: the workspace's codespaceTests.django.mode, else auto);
                 shared starts the managed Django and stops it at exit; session checks the port first
                 and exits 3 naming the process that holds it
    --kill-port  kill the process holding Django's port first
Node ids are paths relative to the current folder followed by ::names, e.g.
  backend/oracles/tests/integration/test_deploy.py::TestDeployments::test_whoami`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      workspace: { type: 'string' },
      python: { type: 'string' },
      command: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      django: { type: 'string' },
      'kill-port': { type: 'boolean', default: false },
    },
  });
  const logger = stderrLogger(values.verbose);
  if (cmd === 'discover') {
    const workspace = resolve(positionals[0] ?? values.workspace ?? '.');
    const settings = await workspaceSettings(workspace);
    const files = await discoverFolder(workspace, settings.include);
    const tests: { nodeid: string; file: string; line: number | null; rootdir: string }[] = [];
    for (const f of files) {
      const byId = indexNodes(f.tests);
      for (const id of leafIds(f.tests))
        tests.push({
          nodeid: id,
          file: f.path,
          line: (byId.get(id)?.range?.start ?? -1) + 1 || null,
          rootdir: f.rootdir,
        });
    }
    const problems = files.filter((f) => f.problem).map((f) => ({ file: f.path, problem: f.problem }));
    if (values.json) process.stdout.write(JSON.stringify({ workspace, tests, problems }, null, 2) + '\n');
    else {
      for (const t of tests) console.log(`${t.nodeid}  (${t.file}:${t.line ?? '?'})`);
      for (const p of problems) console.error(`problem: ${p.problem}`);
      console.error(`${tests.length} test(s) in ${files.length} file(s)`);
    }
    return 0;
  }
  if (cmd === 'run') {
    if (!positionals.length) {
      console.error(USAGE);
      return 2;
    }
    const workspace = resolve(values.workspace ?? '.');
    const settings = await workspaceSettings(workspace, {
      ...(values.python ? { interpreter: values.python } : {}),
      ...(values.command ? { command: values.command } : {}),
    });
    const groups = groupNodeIds(positionals, workspace, process.cwd());
    if ('error' in groups) {
      console.error(groups.error);
      return 2;
    }
    if (values.django !== undefined && !isModeSetting(values.django)) {
      console.error(`--django must be auto, shared or session, not "${values.django}".`);
      return 2;
    }
    const django = await prepareHeadlessDjango({
      workspace,
      mode: values.django as DjangoModeSetting | undefined,
      inis: groups.map((g) => g.ini),
      killPort: values['kill-port'] ?? false,
      logger,
    });
    console.error(describeMode(django.choice));
    if (django.kind !== 'ready') {
      console.error(django.message);
      return django.kind === 'portBusy' ? 3 : 1;
    }
    const source = new CancelSource();
    process.once('SIGINT', () => source.cancel());
    process.once('SIGTERM', () => source.cancel());
    const results: FinishedEvent[] = [];
    let failed = false;
    try {
      for (const g of groups) {
        const { launch, outcome } = await runHeadless({
          ini: g.ini,
          nodeIds: g.nodeIds,
          settings,
          extraEnv: django.env,
          pluginDir: join(__dirname, 'python'),
          token: source.token,
          logger,
          color: !values.json && process.stdout.isTTY,
          onOutput: values.json ? undefined : (c) => process.stdout.write(c),
          onEvent: (e) => e.event === 'finished' && results.push(e),
        });
        if (!values.json) console.error(`$ ${launch.display}`);
        if (outcome.problem) {
          console.error(outcome.problem);
          failed = true;
        }
        if (outcome.cancelled) return 130;
      }
    } finally {
      await django.stop();
    }
    if (values.json) {
      const out = results.map((r) => ({
        nodeid: r.nodeid,
        outcome: r.outcome,
        duration: r.duration,
        message: r.failure?.message ?? r.reason,
      }));
      process.stdout.write(JSON.stringify({ results: out }, null, 2) + '\n');
    }
    failed ||= results.some((r) => r.outcome === 'failed' || r.outcome === 'error');
    return failed ? 1 : 0;
  }
  console.error(USAGE);
  return cmd === '--help' || cmd === '-h' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`codespace-tests: ${(e as Error).message}`);
    process.exit(1);
  },
);
