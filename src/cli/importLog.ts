import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { importJobLogs } from '../core/ci/logImport';
import { resultJson, workspaceTree } from './importJunit';
import { writeJson, writeLines } from './output';
import { UsageError, type Verb } from './verb';

export const importLogVerb: Verb = {
  name: 'import-log',
  summary:
    "Maps pytest's lines in a CI job's log (GitHub Actions, no JUnit report) onto the workspace's node ids.",
  usage: '[--workspace DIR] [--json] FILE...',
  options: {
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
    json: {
      type: 'boolean',
      help: 'print one JSON object: import-junit\'s {results, unmatched, problems} (each result with source "log"), plus notInLog: [{nodeid, file}] and logs: [{source, counts, complete}]',
    },
  },
  details: [
    "Reads pytest's -v result lines, the short summary's FAILED/ERROR lines and the closing counts; GitHub's",
    'timestamps give each -v test its time. A selected test the log never names is listed as not in the log,',
    'never as passed (a run without -v names only its failures). Several FILEs (one per job) are merged.',
    'Exit codes: 0 read; 1 a log could not be read.',
  ].join('\n'),
  async run({ values, positionals }) {
    if (!positionals.length) throw new UsageError("name the job log file(s) to import (the job's raw log).");
    const workspace = resolve((values.workspace as string | undefined) ?? '.');
    const tree = await workspaceTree(workspace);
    const logs: { source: string; text: string }[] = [];
    const problems: string[] = [];
    for (const p of positionals) {
      try {
        logs.push({ source: p, text: await readFile(p, 'utf8') });
      } catch (e) {
        problems.push(`Cannot read ${p}: ${(e as Error).message}`);
      }
    }
    const imported = importJobLogs(tree, logs);
    const results = imported.results.map(resultJson);
    const unmatched = imported.unmatched.map((u) => ({
      classname: u.classname,
      name: u.name,
      outcome: u.outcome,
      source: u.source,
      reason: u.reason,
    }));
    const notInLog = imported.notInLog.map((n) => ({ nodeid: n.nodeid, file: n.file }));
    const code = problems.length ? 1 : 0;
    if (values.json) {
      await writeJson({ results, unmatched, problems, notInLog, logs: imported.counts });
      return code;
    }
    await writeLines([
      ...results.map((r) => `${r.outcome.toUpperCase().padEnd(7)} ${r.nodeid}`),
      ...notInLog.map((n) => `${'-'.padEnd(7)} ${n.nodeid} (not in the log)`),
    ]);
    await writeLines(
      [
        ...unmatched.map((u) => `unmatched: ${u.classname ? `${u.classname}.` : ''}${u.name}: ${u.reason}`),
        ...imported.counts
          .filter((c) => !c.complete)
          .map((c) => `${c.source}: no closing summary line: the log was cut or the job cancelled`),
        ...problems.map((p) => `problem: ${p}`),
        `${results.length} result(s) from the log, ${notInLog.length} not in the log, ${unmatched.length} unmatched`,
      ],
      process.stderr,
    );
    return code;
  },
};
