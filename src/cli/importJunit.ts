import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { importReports, treeFiles } from '../core/junit/import';
import type { MappedResult, TreeFile } from '../core/junit/nodeMap';
import { discoverFolder } from '../core/pytest/discovery';
import type { RootdirCollection } from '../core/pytest/reconcile';
import { collectAll } from './discover';
import { workspaceSettings } from '../core/pytest/headless';
import { reconcile } from '../core/pytest/reconcile';
import { writeJson, writeLines } from './output';
import { UsageError, type Verb } from './verb';

export const importJunitVerb: Verb = {
  name: 'import-junit',
  summary: "Maps a JUnit XML report (pytest --junitxml, e.g. from CI) onto the workspace's node ids.",
  usage: '[--workspace DIR] [--json] [--collect] FILE...',
  options: {
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
    json: {
      type: 'boolean',
      help: 'print one JSON object: {results: [{nodeid, outcome, message, duration, file, line, source}], unmatched: [{classname, name, reason}], problems}',
    },
    collect: {
      type: 'boolean',
      help: "map onto the tree merged with pytest --collect-only, as the Testing view's is (tests a hook or an import made)",
    },
  },
  details: [
    'Several FILEs (one per CI shard) are merged. A testcase that matches no test, or that could be more than',
    'one test, is listed under "unmatched" with the reason; nothing is guessed.',
    'Exit codes: 0 read; 1 a report could not be read.',
  ].join('\n'),
  async run({ values, positionals }) {
    if (!positionals.length) throw new UsageError('name the JUnit XML file(s) to import.');
    const workspace = resolve((values.workspace as string | undefined) ?? '.');
    const tree = await workspaceTree(workspace, {
      collect: values.collect === true,
      verbose: values.verbose === true,
    });
    const reports = await Promise.all(
      positionals.map(async (p) => {
        try {
          return { source: p, xml: await readFile(p, 'utf8') };
        } catch (e) {
          return { source: p, xml: '', unreadable: (e as Error).message };
        }
      }),
    );
    const unreadable = reports
      .filter((r) => r.unreadable)
      .map((r) => `Cannot read ${r.source}: ${r.unreadable}`);
    const imported = importReports(
      tree,
      reports.filter((r) => !r.unreadable),
    );
    const problems = [...unreadable, ...imported.problems];
    const results = imported.results.map(resultJson);
    const unmatched = imported.unmatched.map((u) => ({
      classname: u.classname,
      name: u.name,
      outcome: u.outcome,
      source: u.source,
      reason: u.reason,
    }));
    const code = problems.length ? 1 : 0;
    if (values.json) {
      await writeJson({ results, unmatched, problems });
      return code;
    }
    await writeLines(results.map((r) => `${r.outcome.toUpperCase().padEnd(7)} ${r.nodeid}`));
    await writeLines(
      [
        ...unmatched.map((u) => `unmatched: ${u.classname ? `${u.classname}.` : ''}${u.name}: ${u.reason}`),
        ...problems.map((p) => `problem: ${p}`),
        `${results.length} result(s) from ${imported.testcases} testcase(s), ${unmatched.length} unmatched`,
      ],
      process.stderr,
    );
    return code;
  },
};

/**
 * The workspace's test files as the Testing view knows them, for mapping results: the static read (tests made
 * by assignment included), merged with pytest's collection when `collect` is set.
 */
export async function workspaceTree(
  workspace: string,
  opts: { collect?: boolean; verbose?: boolean } = {},
): Promise<TreeFile[]> {
  const settings = await workspaceSettings(workspace);
  const files = await discoverFolder(workspace, settings.include);
  const collections = opts.collect
    ? (await collectAll(files, settings, opts.verbose ?? false)).collections
    : new Map<string, RootdirCollection>();
  const views = reconcile({ workspace, include: settings.include, files, collections });
  return treeFiles(workspace, views);
}

/** One mapped result as `--json` prints it; `source` says whether a report or a job log gave it. */
export function resultJson(r: MappedResult) {
  return {
    nodeid: r.nodeid,
    outcome: r.outcome,
    message: r.message,
    duration: r.duration ?? null,
    file: r.file,
    line: r.line ?? null,
    source: r.source,
  };
}
