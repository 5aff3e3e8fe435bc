import { join, resolve } from 'node:path';
import { stderrLogger } from '../core/logger';
import { discoverFolder, type DiscoveredFile } from '../core/pytest/discovery';
import { neededComponents, testTags } from '../core/pytest/markers';
import { settingsReader } from '../core/settings';
import { collectRootdir, workspaceSettings } from '../core/pytest/headless';
import { reconcile, type FileView, type RootdirCollection } from '../core/pytest/reconcile';
import type { TestNode } from '../core/pytest/staticReader';
import { writeJson, writeLines } from './output';
import type { Verb } from './verb';

/** A test node as JSON: its 1-based line instead of the editor's 0-based range; its tags as the Testing view has them. */
interface TreeNode {
  kind: TestNode['kind'];
  name: string;
  nodeid: string;
  line: number | null;
  tags: string[];
  /** The parts of the cluster it needs (`tests.needsComponent`), when any. */
  needs?: string[];
  children: TreeNode[];
}

function treeNode(n: TestNode, needsComponent: Readonly<Record<string, string>>): TreeNode {
  const markers = n.markers ?? [];
  const needs = neededComponents(markers, needsComponent);
  return {
    kind: n.kind,
    name: n.name,
    nodeid: n.nodeid,
    line: n.range ? n.range.start + 1 : null,
    tags: testTags(markers, needs),
    ...(needs.length ? { needs } : {}),
    children: n.children.map((c) => treeNode(c, needsComponent)),
  };
}

function leaves(nodes: readonly TreeNode[], out: TreeNode[] = []): TreeNode[] {
  for (const n of nodes) {
    if (n.children.length) leaves(n.children, out);
    else out.push(n);
  }
  return out;
}

/** pytest's collection of every pytest.ini of the static read; failures named on stderr. */
export async function collectAll(
  files: readonly DiscoveredFile[],
  settings: Awaited<ReturnType<typeof workspaceSettings>>,
  verbose: boolean,
): Promise<{ collections: Map<string, RootdirCollection>; failures: { ini: string; problem: string }[] }> {
  const logger = stderrLogger(verbose);
  const byIni = new Map<string, DiscoveredFile[]>();
  for (const f of files) if (f.ini && !f.problem) byIni.set(f.ini, [...(byIni.get(f.ini) ?? []), f]);
  const collections = new Map<string, RootdirCollection>();
  const failures: { ini: string; problem: string }[] = [];
  await Promise.all(
    [...byIni].map(async ([ini, under]) => {
      const outcome = await collectRootdir({
        ini,
        settings,
        files: under,
        pluginDir: join(__dirname, 'python'),
        logger,
        onLaunch: (launch, fallback) => {
          if (fallback) logger.info(fallback);
          logger.debug(`$ ${launch.display}`);
        },
      });
      if (outcome.kind === 'collected') collections.set(ini, outcome.collection);
      else if (outcome.kind === 'failed') failures.push({ ini, problem: outcome.problem });
    }),
  );
  return { collections, failures };
}

export const discoverVerb: Verb = {
  name: 'discover',
  summary: 'Lists the tests of a workspace as the Testing view shows them (node id, file, line).',
  usage: '[--json] [--collect] [--workspace DIR | DIR]',
  options: {
    json: {
      type: 'boolean',
      help: 'print one JSON object: {workspace, collected, files (the tree), tests (each with its tags: its pytest markers, and needs-component), errors, problems}',
    },
    collect: {
      type: 'boolean',
      help: 'also run pytest --collect-only and merge it with the static read, as the Testing view does; lists collection errors with file and line',
    },
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
  },
  details: [
    'Without --collect only the static read of the test files is shown (fast, no Python).',
    'Exit codes: 0 listed; 1 with --collect, when a file failed to collect or pytest gave no collection.',
  ].join('\n'),
  workspaceOf: ({ values, positionals }) =>
    resolve(positionals[0] ?? (values.workspace as string | undefined) ?? '.'),
  async run(args) {
    const { values } = args;
    const workspace = discoverVerb.workspaceOf!(args);
    const [settings, get] = await Promise.all([workspaceSettings(workspace), settingsReader(workspace)]);
    const needsComponent = get('tests.needsComponent');
    const files = await discoverFolder(workspace, settings.include);
    const { collections, failures } = values.collect
      ? await collectAll(files, settings, values.verbose === true)
      : { collections: new Map<string, RootdirCollection>(), failures: [] };
    const views: FileView[] = reconcile({ workspace, include: settings.include, files, collections });
    const tree = views.map((v) => ({
      path: v.path,
      rootdir: v.rootdir,
      fileId: v.fileId,
      ...(v.error ? { error: { line: v.error.line, summary: v.error.summary } } : {}),
      tests: v.tests.map((t) => treeNode(t, needsComponent)),
    }));
    const tests = tree.flatMap((f) =>
      leaves(f.tests).map((t) => ({
        nodeid: t.nodeid,
        file: f.path,
        line: t.line,
        rootdir: f.rootdir,
        tags: t.tags,
        ...(t.needs ? { needs: t.needs } : {}),
      })),
    );
    const errors = views
      .filter((v) => v.error)
      .map((v) => ({
        file: v.path,
        line: v.error!.line,
        summary: v.error!.summary,
        message: v.error!.message,
      }));
    const problems = [
      ...files.filter((f) => f.problem).map((f) => ({ file: f.path, problem: f.problem! })),
      ...failures.map((f) => ({ file: f.ini, problem: f.problem })),
    ];
    const code = values.collect && (errors.length || failures.length) ? 1 : 0;
    if (values.json) {
      await writeJson({
        workspace,
        collected: values.collect === true,
        files: tree,
        tests,
        errors,
        problems,
      });
      return code;
    }
    await writeLines(tests.map((t) => `${t.nodeid}  (${t.file}:${t.line ?? '?'})`));
    await writeLines(
      [
        ...errors.map((e) => `error: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.summary}`),
        ...failures.map((f) => `problem: ${f.problem}`),
        `${tests.length} test(s) in ${views.length} file(s)${values.collect ? ', merged with pytest --collect-only' : ''}`,
      ],
      process.stderr,
    );
    return code;
  },
};
