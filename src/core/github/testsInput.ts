import { isAbsolute, join, relative, sep } from 'node:path';
import type { WorkflowInput } from './workflow';

type TestsInput = { kind: 'input'; name: string } | { kind: 'missing'; reason: string };

/**
 * The workflow input that receives the selected tests: the one named by `codespaceTests.ci.testsInput`, else
 * the first string input whose name mentions "test".
 */
export function testsInputFor(
  inputs: readonly WorkflowInput[],
  setting: string,
  workflow: string,
): TestsInput {
  const named = setting.trim();
  if (named) {
    const input = inputs.find((i) => i.name === named);
    if (!input)
      return {
        kind: 'missing',
        reason: `${workflow} has no input "${named}" (\`codespaceTests.ci.testsInput\`); it declares ${inputs.map((i) => i.name).join(', ') || 'none'}. Set the setting to one of them, or add the input.`,
      };
    if (input.type !== 'string')
      return {
        kind: 'missing',
        reason: `The input "${named}" of ${workflow} is a ${input.type}; the selected tests need a string input.`,
      };
    return { kind: 'input', name: named };
  }
  const found = inputs.find((i) => i.type === 'string' && /test/i.test(i.name));
  if (found) return { kind: 'input', name: found.name };
  return {
    kind: 'missing',
    reason: `${workflow} has no string input for the tests to run. Add one under \`workflow_dispatch.inputs\` (for example \`tests: {type: string}\`) and pass it to pytest (\`uv run pytest -c … \${{ inputs.tests }}\`), or name it in \`codespaceTests.ci.testsInput\`.`,
  };
}

/** What was selected: a folder (`nodeid` empty), a file, or a node inside one, each under its rootdir. */
export interface SelectedTest {
  rootdir: string;
  /** Relative to the rootdir (`test_a.py::TestB::test_c`), or a folder path relative to it, or ''. */
  nodeid: string;
}

/**
 * The selected tests as the workflow's pytest command line takes them: paths from the repository root, then
 * `::names`, separated by spaces. An id with a space or a shell character is single-quoted, since the input is
 * pasted into a shell line.
 */
export function ciTestArgs(repoRoot: string, selected: readonly SelectedTest[]): string {
  const args = selected.map((s) => {
    const cut = s.nodeid.indexOf('::');
    const path = cut < 0 ? s.nodeid : s.nodeid.slice(0, cut);
    const rest = cut < 0 ? '' : s.nodeid.slice(cut);
    const abs = join(s.rootdir, path);
    const rel = relative(repoRoot, abs);
    const shown = (isAbsolute(rel) || rel.startsWith('..') ? abs : rel || '.').split(sep).join('/');
    return shellWord(shown + rest);
  });
  return [...new Set(args)].join(' ');
}

export function shellWord(s: string): string {
  return /^[\w./:@%+,=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Why a selected test has no result: the run's report does not list it. */
export function notRunReason(
  run: { run_number: number; conclusion: string | null },
  artifacts: string[],
): string {
  const ended = run.conclusion === 'success' ? 'passed' : (run.conclusion ?? 'ended');
  return `not run on CI: run #${run.run_number} (${ended}) has no result for it in ${artifacts.map((a) => `"${a}"`).join(', ')}. pytest may have stopped early (--maxfail, a crash, a timeout), or the workflow ran other tests than the input names.`;
}
