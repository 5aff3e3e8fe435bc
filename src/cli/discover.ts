import { resolve } from 'node:path';
import { indexNodes } from '../core/pytest/collection';
import { discoverFolder } from '../core/pytest/discovery';
import { workspaceSettings } from '../core/pytest/headless';
import { leafIds } from '../core/pytest/staticReader';
import { writeJson, writeLines } from './output';
import type { Verb } from './verb';

export const discoverVerb: Verb = {
  name: 'discover',
  summary: 'Lists the tests of a workspace (node id, file, line), as the Testing view shows them.',
  usage: '[--json] [--workspace DIR | DIR]',
  options: {
    json: { type: 'boolean', help: 'print one JSON object: {workspace, tests, problems}' },
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
  },
  async run({ values, positionals }) {
    const workspace = resolve(positionals[0] ?? (values.workspace as string | undefined) ?? '.');
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
    if (values.json) {
      await writeJson({ workspace, tests, problems });
      return 0;
    }
    await writeLines(tests.map((t) => `${t.nodeid}  (${t.file}:${t.line ?? '?'})`));
    await writeLines(
      [...problems.map((p) => `problem: ${p.problem}`), `${tests.length} test(s) in ${files.length} file(s)`],
      process.stderr,
    );
    return 0;
  },
};
