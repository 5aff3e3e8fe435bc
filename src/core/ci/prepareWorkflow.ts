import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, type Document, type YAMLSeq } from 'yaml';
import { pytestCommand, type PytestCommand } from './pytestCommand';

/**
 * The team's workflow made ready for *Run on CI* and *Show Results of CI Run*, edited in place so its
 * comments and layout stay: a tests input, `--junitxml` on the pytest command, an upload of the report
 * (even when the tests failed), and optionally a shard matrix that reads `fromJSON(inputs.shards)`.
 * Pure: the glue shows the result as a diff and writes it only when the user accepts.
 */

interface PrepareOptions {
  /** Add the shard matrix: the `shards` input, read by `strategy.matrix.shard`. */
  shards: boolean;
  /** The input that receives the tests (default `tests`); an existing string input naming tests is kept. */
  testsInput?: string;
}

export type PreparedWorkflow =
  | { kind: 'changed'; text: string; changes: string[] }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'refused'; reason: string };

const REPORT_FILE = 'junit.xml';
export const SHARDS_INPUT = 'shards';
/** What the matrix reads when no shards are given (a scheduled run, a dispatch by hand): one runner. */
const ONE_SHARD = '[{"index":1,"tests":""}]';

export function prepareWorkflow(text: string, opts: PrepareOptions): PreparedWorkflow {
  const doc = parseDocument(text);
  if (doc.errors.length)
    return {
      kind: 'refused',
      reason: `The workflow is not valid YAML (${doc.errors[0].message.split('\n')[0]}). Fix it, then prepare it again.`,
    };
  if (!isMap(doc.contents))
    return { kind: 'refused', reason: 'The workflow is not a YAML mapping with `on:` and `jobs:`.' };
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return { kind: 'refused', reason: 'The workflow has no `jobs:` mapping.' };
  const found = pytestSteps(jobs);
  if (!found.length)
    return {
      kind: 'refused',
      reason:
        'No step of the workflow runs pytest on one line (`run: … pytest …`). Add the tests input, `--junitxml` and the upload by hand; the README shows the lines.',
    };
  if (opts.shards && found.length > 1)
    return {
      kind: 'refused',
      reason: `Jobs ${found.map((f) => f.jobId).join(', ')} each run pytest: shards need one job that runs the tests. Prepare it without shards, or keep one pytest job.`,
    };
  const changes: string[] = [];
  const dispatch = workflowDispatchInputs(doc, changes);
  if (typeof dispatch === 'string') return { kind: 'refused', reason: dispatch };
  const testsName = ensureInput(
    doc,
    dispatch,
    opts.testsInput ?? existingTestsInput(dispatch) ?? 'tests',
    {
      description: 'Tests to run: node ids or paths from the repository root, space-separated (empty: all)',
      type: 'string',
      required: false,
      default: '',
    },
    changes,
  );
  if (opts.shards)
    ensureInput(
      doc,
      dispatch,
      SHARDS_INPUT,
      {
        description:
          'The tests spread over runners, as JSON: [{"index": 1, "tests": "…"}, …] (empty: one runner)',
        type: 'string',
        required: false,
        default: '',
      },
      changes,
    );
  for (const f of found) {
    const sharded = opts.shards && ensureShardMatrix(doc, f.job, f.jobId, changes);
    if (typeof sharded === 'string') return { kind: 'refused', reason: sharded };
    const hasMatrix = opts.shards || readsShardMatrix(f.job);
    editCommand(f, testsName, hasMatrix, changes);
    const artifact = found.length > 1 ? `junit-${f.jobId}` : 'junit';
    ensureUpload(doc, f, hasMatrix ? `${artifact}-\${{ matrix.shard.index }}` : artifact, changes);
  }
  if (!changes.length)
    return {
      kind: 'unchanged',
      reason: 'The workflow is ready already: it takes the tests as an input and uploads a JUnit report.',
    };
  // The library writes every flow collection one way: the way the file mostly does (`[a]` or `{ a: 1 }`).
  const flows = text.replace(/\$\{\{.*?\}\}/g, '');
  const padded = (flows.match(/[[{] \S/g) ?? []).length > (flows.match(/[[{][^\s\]}]/g) ?? []).length;
  return { kind: 'changed', text: doc.toString({ lineWidth: 0, flowCollectionPadding: padded }), changes };
}

interface PytestStep {
  jobId: string;
  job: YAMLMap;
  steps: YAMLSeq;
  index: number;
  run: Scalar;
  /** The line of `run` that calls pytest, and what it holds. */
  line: number;
  command: PytestCommand;
}

/** In each job, the first step whose `run` calls pytest. */
function pytestSteps(jobs: YAMLMap): PytestStep[] {
  const found: PytestStep[] = [];
  for (const pair of jobs.items) {
    const job = pair.value;
    if (!isMap(job)) continue;
    const steps = job.get('steps');
    if (!isSeq(steps)) continue;
    for (let index = 0; index < steps.items.length; index++) {
      const step = steps.items[index];
      const run = isMap(step) ? step.get('run', true) : undefined;
      if (!isScalar(run) || typeof run.value !== 'string') continue;
      const lines = run.value.split('\n');
      const line = lines.findIndex((l) => pytestCommand(l) !== undefined);
      if (line < 0) continue;
      found.push({
        jobId: String(isScalar(pair.key) ? pair.key.value : pair.key),
        job,
        steps,
        index,
        run,
        line,
        command: pytestCommand(lines[line])!,
      });
      break;
    }
  }
  return found;
}

/** `on.workflow_dispatch.inputs` as a block mapping, made when missing; a string when `on:` cannot take it. */
function workflowDispatchInputs(doc: Document, changes: string[]): YAMLMap | string {
  const root = doc.contents as YAMLMap;
  let on: unknown = root.get('on', true);
  if ((isScalar(on) && typeof on.value === 'string') || isSeq(on)) {
    // `on: push` or `on: [push, pull_request]`: the same triggers as a mapping, which can hold inputs.
    const map = new YAMLMap();
    for (const e of isSeq(on) ? on.items : [on]) map.set(isScalar(e) ? e.value : e, null);
    root.set('on', map);
    on = map;
  }
  if (!isMap(on)) return 'The workflow has no `on:` triggers this can add `workflow_dispatch` to.';
  on.flow = false;
  let dispatch: unknown = on.get('workflow_dispatch', true);
  if (!isMap(dispatch)) {
    if (!on.has('workflow_dispatch')) changes.push('a workflow_dispatch trigger');
    dispatch = new YAMLMap();
    on.set('workflow_dispatch', dispatch);
  }
  const d = dispatch as YAMLMap;
  d.flow = false;
  let inputs: unknown = d.get('inputs', true);
  if (!isMap(inputs)) {
    inputs = new YAMLMap();
    d.set('inputs', inputs);
  }
  (inputs as YAMLMap).flow = false;
  return inputs as YAMLMap;
}

function existingTestsInput(inputs: YAMLMap): string | undefined {
  for (const pair of inputs.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const type = isMap(pair.value) ? pair.value.get('type') : undefined;
    if (/test/i.test(name) && (type === undefined || type === 'string')) return name;
  }
  return undefined;
}

function ensureInput(
  doc: Document,
  inputs: YAMLMap,
  name: string,
  spec: Record<string, unknown>,
  changes: string[],
): string {
  if (!inputs.has(name)) {
    inputs.set(name, doc.createNode(spec));
    changes.push(`a "${name}" input`);
  }
  return name;
}

function readsShardMatrix(job: YAMLMap): boolean {
  const shard = job.getIn(['strategy', 'matrix', 'shard']);
  return typeof shard === 'string' && shard.includes(`inputs.${SHARDS_INPUT}`);
}

/** `strategy.matrix.shard` read from the shards input, and fail-fast off so one shard's failure stops none. */
function ensureShardMatrix(doc: Document, job: YAMLMap, jobId: string, changes: string[]): true | string {
  if (readsShardMatrix(job)) return true;
  let strategy: unknown = job.get('strategy', true);
  if (strategy === undefined) {
    strategy = new YAMLMap();
    // Before `steps`, where a reader looks for it.
    const at = job.items.findIndex((p) => isScalar(p.key) && p.key.value === 'steps');
    const pair = doc.createPair('strategy', strategy);
    if (at < 0) job.items.push(pair);
    else job.items.splice(at, 0, pair);
  }
  if (!isMap(strategy))
    return `The job "${jobId}" has a \`strategy\` that is not a mapping; add the shard matrix by hand.`;
  let matrix: unknown = strategy.get('matrix', true);
  if (matrix === undefined) {
    matrix = new YAMLMap();
    strategy.set('matrix', matrix);
  }
  if (!isMap(matrix))
    return `The job "${jobId}" builds its matrix from an expression; add \`shard: \${{ fromJSON(inputs.${SHARDS_INPUT}) }}\` to it by hand.`;
  matrix.flow = false;
  matrix.set('shard', `\${{ fromJSON(inputs.${SHARDS_INPUT} || '${ONE_SHARD}') }}`);
  if (!strategy.has('fail-fast')) strategy.set('fail-fast', false);
  changes.push(`a shard matrix on job "${jobId}" (one runner per shard of the "${SHARDS_INPUT}" input)`);
  return true;
}

/** The pytest line given the tests (the job's own paths when none) and a JUnit report. */
function editCommand(f: PytestStep, tests: string, sharded: boolean, changes: string[]): void {
  const { command } = f;
  let line = command.text;
  const edits: { at: number; end: number; text: string }[] = [];
  const input = `inputs.${tests}`;
  if (line.includes(input)) {
    // The input is read already: with shards, each runner's own tests come first in the same expression.
    if (sharded && !line.includes('matrix.shard.tests')) {
      const at = line.indexOf(input);
      edits.push({ at, end: at, text: 'matrix.shard.tests || ' });
      changes.push('pytest runs the tests of its shard');
    }
  } else {
    const fallback = command.paths.map((p) => p.text).join(' ');
    const sources = [
      ...(sharded ? ['matrix.shard.tests'] : []),
      input,
      ...(fallback ? [`'${fallback.replace(/'/g, "''")}'`] : []),
    ];
    const expression = `\${{ ${sources.join(' || ')} }}`;
    if (command.paths.length) {
      const [first, ...rest] = command.paths;
      edits.push({ at: first.start, end: first.end, text: expression });
      for (const p of rest) edits.push({ at: p.start - 1, end: p.end, text: '' });
    } else edits.push({ at: command.argsEnd, end: command.argsEnd, text: ` ${expression}` });
    changes.push(
      `pytest runs the tests of the "${tests}" input${sharded ? ' or of its shard' : ''}${fallback ? ` (${fallback} when it is empty)` : ''}`,
    );
  }
  if (!command.junitxml) {
    edits.push({ at: command.argsEnd, end: command.argsEnd, text: ` --junitxml=${REPORT_FILE}` });
    changes.push(`pytest writes a JUnit report (--junitxml=${REPORT_FILE})`);
  }
  // From the right, so earlier offsets hold; at one offset the edit made first ends up first.
  const ordered = edits.map((e, n) => ({ ...e, n })).sort((a, b) => b.at - a.at || b.n - a.n);
  for (const e of ordered) line = line.slice(0, e.at) + e.text + line.slice(e.end);
  const lines = String(f.run.value).split('\n');
  lines[f.line] = line;
  f.run.value = lines.join('\n');
}

/** An upload of the report right after the pytest step, run even when the tests failed. */
function ensureUpload(doc: Document, f: PytestStep, name: string, changes: string[]): void {
  const upload = f.steps.items.find((s) => {
    const uses = isMap(s) ? s.get('uses') : undefined;
    return typeof uses === 'string' && uses.startsWith('actions/upload-artifact');
  });
  if (upload) {
    // upload-artifact@v4 refuses a second artifact of the same name: each shard names its own.
    const given = isMap(upload) ? upload.getIn(['with', 'name']) : undefined;
    if (name.includes('matrix.shard') && typeof given === 'string' && !given.includes('matrix.shard')) {
      (upload as YAMLMap).setIn(['with', 'name'], `${given}-\${{ matrix.shard.index }}`);
      changes.push(`each shard uploads its report as "${given}-<shard>"`);
    }
    return;
  }
  const reportPath = f.command.junitxml ?? REPORT_FILE;
  f.steps.items.splice(
    f.index + 1,
    0,
    doc.createNode({
      name: 'Upload the JUnit report (Show Results of CI Run reads it)',
      if: 'always()',
      uses: 'actions/upload-artifact@v4',
      with: { name, path: reportPath },
    }),
  );
  changes.push(`an upload of ${reportPath} as the artifact "${name}", even when tests fail`);
}
