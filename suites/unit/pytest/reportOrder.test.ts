import * as assert from 'node:assert';
import { DJANGO_SOURCE, LogStore } from '../../../src/core/logs/logStore';
import type { PluginEvent } from '../../../src/core/pytest/protocol';
import { RunResults } from '../../../src/core/pytest/runResults';
import type { TestRunSink } from '../../../src/core/pytest/runUpdates';
import { logsContext, windowOfContext } from '../../../src/core/pytest/testLogs';
import { FINISHED } from './pluginEvents';

const T0 = 1_700_000_000_000;
const DJANGO_LINE = 'Forbidden (Permission denied): /api/oracles/';

/** pytest's own report of a failure that wrote to stderr (as `pytest -rA` prints it, colours on). */
const REPORT = [
  't.py F',
  '',
  '\x1b[31m=================================== FAILURES ===================================\x1b[0m',
  '\x1b[31m\x1b[1m___________________________________ test_a ___________________________________\x1b[0m',
  '',
  '    def test_a():',
  '>       assert False, "denied"',
  '\x1b[1m\x1b[31mE       AssertionError: denied\x1b[0m',
  '',
  '\x1b[1m\x1b[31mt.py\x1b[0m:4: AssertionError',
  '----------------------------- Captured stderr call -----------------------------',
  'probe wrote this',
  DJANGO_LINE,
  '=========================== short test summary info ============================',
  'FAILED t.py::test_a - AssertionError: denied',
  '============================== 1 failed in 0.12s ===============================',
  '',
].join('\n');

function sink(): TestRunSink<string, string, string> & { output: string[]; messages: string[] } {
  const output: string[] = [];
  const messages: string[] = [];
  return {
    output,
    messages,
    enqueued: () => {},
    started: () => {},
    passed: () => {},
    skipped: () => {},
    failed: (_i, m) => void messages.push(String(m)),
    errored: () => {},
    appendOutput: (o) => void output.push(String(o).replace(/\r\n/g, '\n')),
    end: () => {},
  };
}

function results(run: ReturnType<typeof sink>, store?: LogStore) {
  return new RunResults<string, string, string>(
    run,
    {
      resolve: (id) => id,
      label: (i) => i,
      locationOf: () => undefined,
      message: (f) => (f.window ? logsContext('ctx', f.window) : 'ctx'),
      someBelow: () => false,
    },
    store,
    new Set(),
  );
}

const failure = {
  ...FINISHED,
  nodeid: 't.py::test_a',
  start: T0,
  stop: T0 + 500,
  stderr: `probe wrote this\n${DJANGO_LINE}\nonly in ours\n`,
} as PluginEvent;

describe('test output that reads in order (issue #26 item 6)', () => {
  it("pytest's report whole and first; ours after it, without a line pytest already showed", async () => {
    const store = new LogStore(100);
    store.append(DJANGO_SOURCE, DJANGO_LINE, T0 + 100);
    store.append(DJANGO_SOURCE, 'GET /api/oracles/ 403', T0 + 120);
    const run = sink();
    const r = results(run, store);
    r.pytestStarted();
    // The result arrives on the side channel while pytest is still writing.
    const [head, tail] = [REPORT.slice(0, 200), REPORT.slice(200)];
    run.output.push(head);
    r.pytestOutput(head);
    r.handle(failure);
    await r.evidenceRead();
    run.output.push(tail);
    r.pytestOutput(tail);
    r.pytestEnded();
    const out = run.output.join('');
    assert.ok(out.startsWith(REPORT), out);
    const ours = out.slice(REPORT.length);
    assert.match(ours, /── captured stderr of t\.py::test_a ──\nonly in ours\n/);
    assert.doesNotMatch(ours, /probe wrote this/);
    assert.strictEqual(out.split(DJANGO_LINE).length, 2, "the Django line once: in pytest's report");
    assert.match(
      ours,
      /── logs while t\.py::test_a ran: django 2 lines \(1 shown in pytest's captured output above\) ──\n\S+ \[django\] GET \/api\/oracles\/ 403\n/,
    );
    assert.strictEqual(r.results.get('t.py::test_a')?.serviceLogLines, 2);
    store.dispose();
  });

  it('outside a pytest process, additions are written at once', async () => {
    const run = sink();
    const r = results(run);
    r.handle(failure);
    assert.match(run.output.join(''), /── captured stderr of t\.py::test_a ──\nprobe wrote this\n/);
    await r.evidenceRead();
  });
});

describe('one place to look (issue #26 item 8)', () => {
  it('a failure with no source says so, and why', async () => {
    const run = sink();
    const r = results(run, new LogStore(10));
    r.handle({ ...failure, stderr: '' } as PluginEvent);
    await r.evidenceRead();
    const out = run.output.join('');
    assert.match(out, /── logs while t\.py::test_a ran: no lines from Django, the pods or the cluster ──/);
    assert.match(out, /note: No Django lines: Django was not seen in this run/);
    assert.match(out, /note: No pod lines and no events: no pod was followed and the cluster was not read\./);
  });
});

describe('each result keeps its own window (issue #26 item 7)', () => {
  it("each failure message carries its result's window; the context still starts with its kind", async () => {
    const run = sink();
    const r = results(run);
    r.handle(failure);
    // The next test starts 400 ms after the first stopped: the first's window ends there.
    r.handle({ event: 'started', nodeid: 't.py::test_b', time: T0 + 900 });
    r.handle({ ...failure, nodeid: 't.py::test_b', start: T0 + 900, stop: T0 + 1_400 } as PluginEvent);
    await r.evidenceRead();
    const [older, newer] = run.messages.map(windowOfContext);
    assert.deepStrictEqual(older, { from: T0 - 250, to: T0 + 900 });
    // The last test's window stays open for the tail after its stop.
    assert.deepStrictEqual(newer, { from: T0 + 650, to: T0 + 2_400 });
    assert.match(run.messages[0], /^ctx window=/);
    assert.strictEqual(windowOfContext('codespaceTests.testLogs'), undefined);
  });
});

describe("a test's window stays open for the line of its last request", () => {
  it('a Django line that comes 600 ms after the test stopped is in its evidence and its window', async () => {
    const store = new LogStore(100);
    const run = sink();
    const r = results(run, store);
    r.handle({ ...failure, stderr: '' } as PluginEvent);
    // runserver writes a request's line after it sent the answer: under load, well after the test ended.
    store.append(DJANGO_SOURCE, '"GET /api/whoami/ HTTP/1.1" 200 17', T0 + 1_100);
    assert.deepStrictEqual(run.messages, [], 'the failure waits for its window to close');
    r.pytestEnded();
    await r.evidenceRead();
    assert.strictEqual(r.results.get('t.py::test_a')?.serviceLogLines, 1);
    assert.match(run.output.join(''), /\[django\] "GET \/api\/whoami\/ HTTP\/1\.1" 200 17/);
    assert.deepStrictEqual(windowOfContext(run.messages[0]), { from: T0 - 250, to: T0 + 1_500 });
    store.dispose();
  });

  it('pytest ended: the last window ends then, so a run started right after is not in it', async () => {
    const run = sink();
    const r = results(run);
    const stop = Date.now() - 400;
    r.handle({ ...failure, start: stop - 500, stop } as PluginEvent);
    r.pytestEnded();
    const ended = Date.now();
    await r.evidenceRead();
    const window = windowOfContext(run.messages[0])!;
    assert.ok(
      window.to <= ended + 1,
      `${window.to - stop} ms after the stop, pytest ended ${ended - stop} ms after`,
    );
    assert.ok(window.to >= stop + 250, 'never less than the slack');
  });

  it("the next test's start closes the window, and the failure is reported then", async () => {
    const run = sink();
    const r = results(run);
    r.handle(failure);
    assert.deepStrictEqual(run.messages, []);
    r.handle({ event: 'started', nodeid: 't.py::test_b', time: T0 + 2_000 });
    await r.evidenceRead();
    assert.deepStrictEqual(windowOfContext(run.messages[0]), { from: T0 - 250, to: T0 + 1_500 });
  });
});
