import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ciStepSource, storeRunLogs } from '../../../src/core/ci/ciLogSources';
import { splitJobLog } from '../../../src/core/ci/jobSteps';
import type { JobStep } from '../../../src/core/github/types';
import { LogStore } from '../../../src/core/logs/logStore';
import { sourceLabel } from '../../../src/logs/sourceLabel';
import { githubJobLog } from '../../github/jobLogShape';

const REPO = join(__dirname, '../../../..');
/** Real pytest -v output with colours: its lines with GitHub's timestamps cut off. */
const PYTEST = readFileSync(join(REPO, 'suites/fixtures/joblogs/verbose-color.log'), 'utf8')
  .replace(/^\ufeff/, '')
  .split('\n')
  .filter((l) => !l.includes('##['))
  .map((l) => l.slice(29));

function teamJob() {
  return githubJobLog([
    {
      name: 'Run actions/checkout@v4',
      conclusion: 'success',
      run: 'actions/checkout@v4',
      output: ['Syncing repository: acme/backend'],
    },
    {
      name: 'Start minikube',
      conclusion: 'success',
      run: './scripts/ci/start_minikube.sh',
      output: ['* Done! kubectl is now configured'],
    },
    { name: 'Run integration tests', conclusion: 'failure', run: 'uv run pytest -v', output: PYTEST },
    { name: 'Notify Slack on failure', conclusion: 'skipped', run: 'slack', output: [] },
  ]);
}
const asSteps = (planned: ReturnType<typeof teamJob>['steps']): JobStep[] =>
  planned.map((s, i) => ({
    name: s.name,
    number: i + 1,
    status: 'completed',
    conclusion: s.conclusion,
    started_at: s.startedAt,
    completed_at: s.completedAt,
  }));

describe('a job log split into its steps (the log viewer sources)', () => {
  it("gives each line to the step whose time holds it, with the log's time and colours; a failed step knows its first error line", () => {
    const { log, steps } = teamJob();
    const split = splitJobLog(log, asSteps(steps));
    assert.deepEqual(
      split.map((s) => [s.name, s.lines.length > 0]),
      [
        ['Run actions/checkout@v4', true],
        ['Start minikube', true],
        ['Run integration tests', true],
        ['Notify Slack on failure', false],
      ],
    );
    const checkout = split[0].lines.map((l) => l.text);
    assert.deepEqual(checkout, [
      '▸ Run actions/checkout@v4',
      'actions/checkout@v4',
      'shell: /usr/bin/bash -e {0}',
      'Syncing repository: acme/backend',
    ]);
    assert.equal(split[0].lines[0].time, Date.parse('2024-05-01T12:00:00Z'));
    assert.equal(split[0].firstError, undefined);
    const tests = split[2];
    const first = tests.lines[tests.firstError!];
    assert.ok(
      first.text.includes('test_deepest \u001b[31mFAILED'),
      'the first FAILED result line, colours kept',
    );
    assert.ok(tests.lines.slice(0, tests.firstError).every((l) => !/FAILED|##\[error\]/.test(l.text)));
    const last = tests.lines.at(-1)!;
    assert.deepEqual([last.text, last.level], ['Process completed with exit code 1.', 'error']);
    assert.ok(
      split.every((s) => s.lines.every((l) => !l.text.startsWith('##['))),
      'GitHub markers are read, not shown',
    );
  });

  it('a step that starts in the same second as the last line takes over at its ##[group] line', () => {
    const log = [
      '2024-05-01T12:00:05.1000000Z first step output',
      '2024-05-01T12:00:05.9000000Z ##[group]Run second',
      '2024-05-01T12:00:05.9500000Z second step output',
      '2024-05-01T12:00:07.0000000Z ##[error]boom',
    ].join('\n');
    const steps: JobStep[] = [
      {
        name: 'one',
        number: 1,
        status: 'completed',
        conclusion: 'success',
        started_at: '2024-05-01T12:00:04Z',
        completed_at: '2024-05-01T12:00:05Z',
      },
      {
        name: 'two',
        number: 2,
        status: 'completed',
        conclusion: 'failure',
        started_at: '2024-05-01T12:00:05Z',
        completed_at: '2024-05-01T12:00:07Z',
      },
    ];
    const split = splitJobLog(log, steps);
    assert.deepEqual(
      split.map((s) => s.lines.map((l) => l.text)),
      [['first step output'], ['▸ Run second', 'second step output', 'boom']],
    );
    assert.equal(split[1].firstError, 2);
  });

  it('without step times (a job still running) the whole log is one source, "log"', () => {
    const split = splitJobLog('2024-05-01T12:00:05.1000000Z hello\nno stamp\n', [
      { name: 'one', number: 1, status: 'in_progress', conclusion: null },
    ]);
    assert.deepEqual(
      split.map((s) => [s.name, s.lines.map((l) => l.text)]),
      [['log', ['hello', 'no stamp']]],
    );
    assert.equal(
      split[0].lines[1].time,
      split[0].lines[0].time,
      'a line without a stamp takes the one before',
    );
  });

  it("into the log store: one source per step; the run opens at the failed step's first error; loading twice adds nothing", () => {
    const { log, steps } = teamJob();
    const store = new LogStore();
    const logs = [
      { source: 'integration', jobId: 71, text: log, conclusion: 'failure', steps: asSteps(steps) },
    ];
    const got = storeRunLogs(store, 9000001, logs);
    const tests = ciStepSource(9000001, 'integration', { number: 3, name: 'Run integration tests' });
    assert.equal(tests, 'ci/9000001/integration › 3. Run integration tests');
    assert.equal(sourceLabel(tests), 'integration › 3. Run integration tests', "the viewer's source column");
    assert.deepEqual(
      got.jobs[0].steps.map((s) => s.name),
      ['Run actions/checkout@v4', 'Start minikube', 'Run integration tests'],
    );
    assert.equal(got.reveal?.source, tests);
    const opened = store.query({ sources: [tests] }).find((l) => l.seq === got.reveal!.seq);
    assert.match(opened?.text ?? '', /test_deepest .*FAILED/);
    const size = store.size(tests);
    storeRunLogs(store, 9000001, logs);
    assert.equal(store.size(tests), size);
    assert.equal(store.query({ sources: [tests] }).at(-1)?.level, 'error');
  });
});
