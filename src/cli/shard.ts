import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { shardsInput, splitIntoShards } from '../core/ci/shards';
import { shellWord } from '../core/github/testsInput';
import { importReports } from '../core/junit/import';
import type { TreeFile } from '../core/junit/nodeMap';
import type { TestNode } from '../core/pytest/staticReader';
import { workspaceTree } from './importJunit';
import { writeJson, writeLines } from './output';
import { UsageError, type Verb } from './verb';

export const shardVerb: Verb = {
  name: 'shard',
  summary: 'Splits tests over N CI runners by their durations, longest first, as Run on CI with shards does.',
  usage: '[--workspace DIR] --shards N [--durations FILE]... [--json] [ID...]',
  options: {
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
    shards: { type: 'string', value: 'N', help: 'how many runners (1 to 256)' },
    durations: {
      type: 'string',
      value: 'FILE',
      multiple: true,
      help: "a JUnit XML report of an earlier run (pytest --junitxml, a CI artifact): its testcases' times",
    },
    json: {
      type: 'boolean',
      help: 'print one JSON object: {shards: [{index, tests, seconds}], idealSeconds, assumedSeconds, unknown, input, problems}',
    },
  },
  details: [
    'IDs are paths from the workspace root with ::names (as the workflow runs them); without IDs, every test',
    'of the workspace. A test no report times counts at the median time of the others (1 s when none is timed).',
    '"input" is the value of the workflow\'s shards input: its matrix reads it with fromJSON(inputs.shards).',
    'Exit codes: 0 split; 1 a report could not be read; 2 a usage error.',
  ].join('\n'),
  async run({ values, positionals }) {
    const n = Number(values.shards);
    if (values.shards === undefined || !Number.isInteger(n) || n < 1 || n > 256)
      throw new UsageError(
        `--shards takes a whole number from 1 to 256${values.shards === undefined ? '' : `, not "${String(values.shards)}"`}.`,
      );
    const workspace = resolve((values.workspace as string | undefined) ?? '.');
    const tree = await workspaceTree(workspace);
    const ids = positionals.length ? positionals : tree.flatMap(repoIdsOf);
    const problems: string[] = [];
    const reports: { source: string; xml: string }[] = [];
    for (const p of (values.durations as string[] | undefined) ?? []) {
      try {
        reports.push({ source: p, xml: await readFile(p, 'utf8') });
      } catch (e) {
        problems.push(`Cannot read ${p}: ${(e as Error).message}`);
      }
    }
    const imported = importReports(tree, reports);
    problems.push(...imported.problems);
    const seconds = new Map<string, number>();
    const byPath = new Map(tree.map((f) => [f.path, f]));
    for (const r of imported.results) {
      const file = byPath.get(r.file);
      if (!file || r.duration === undefined) continue;
      const id = file.repoPath + r.nodeid.slice(file.fileId.length);
      seconds.set(id, (seconds.get(id) ?? 0) + r.duration);
    }
    const split = splitIntoShards(
      ids.map((id) => {
        const s = seconds.get(id);
        return { id, ms: s === undefined ? undefined : s * 1000 };
      }),
      n,
    );
    const shards = split.shards.map((s) => ({ index: s.index, tests: s.ids, seconds: s.ms / 1000 }));
    const input = shardsInput(
      shards.map((s) => ({ index: s.index, tests: s.tests.map(shellWord).join(' ') })),
    );
    const code = problems.length ? 1 : 0;
    if (values.json) {
      await writeJson({
        shards,
        idealSeconds: split.idealMs / 1000,
        assumedSeconds: split.assumedMs / 1000,
        unknown: split.unknown,
        input,
        problems,
      });
      return code;
    }
    await writeLines(
      shards.map(
        (s) => `shard ${s.index}: ${s.tests.length} test(s), ${s.seconds.toFixed(1)} s: ${s.tests.join(' ')}`,
      ),
    );
    await writeLines(
      [
        ...problems.map((p) => `problem: ${p}`),
        `${ids.length} test(s) over ${shards.length} shard(s); ideal ${(split.idealMs / 1000).toFixed(1)} s each; ${split.unknown} without a time`,
      ],
      process.stderr,
    );
    return code;
  },
};

/** The file's tests (the leaves of its tree) as paths from the workspace root. */
function repoIdsOf(file: TreeFile): string[] {
  const out: string[] = [];
  const walk = (nodes: readonly TestNode[]) => {
    for (const n of nodes)
      if (n.children.length) walk(n.children);
      else out.push(file.repoPath + n.nodeid.slice(file.fileId.length));
  };
  walk(file.tests);
  return out;
}
