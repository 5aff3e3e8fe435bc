import * as assert from 'node:assert';
import { DJANGO_SOURCE, LogStore } from '../../../src/core/logs/logStore';
import { storeDjangoLine } from '../../../src/core/pytest/djangoLines';
import { parseEvent, type PluginEvent, type ServerOutputEvent } from '../../../src/core/pytest/protocol';
import { RunResults } from '../../../src/core/pytest/runResults';
import type { TestRunSink } from '../../../src/core/pytest/runUpdates';
import { FINISHED } from './pluginEvents';

const T0 = 1_700_000_000_000;

function line(over: Partial<ServerOutputEvent>): ServerOutputEvent {
  return { event: 'serverOutput', time: T0, stream: 'stderr', pid: 7, text: '', ...over };
}

function sink(): TestRunSink<string, string, string> & { output: string[] } {
  const output: string[] = [];
  return {
    output,
    enqueued: () => {},
    started: () => {},
    passed: () => {},
    skipped: () => {},
    failed: () => {},
    errored: () => {},
    appendOutput: (o) => void output.push(o),
    end: () => {},
  };
}

describe("the session's own Django lines (teed by the plugin)", () => {
  it('parses serverOutput and serverOutputNote, and rejects them half-typed', () => {
    const request = line({ text: '"GET /health/ HTTP/1.1" 200 15' });
    assert.deepStrictEqual(parseEvent(JSON.stringify(request)), request);
    const record = line({ stream: 'log', text: 'Not Found: /x', level: 'warn', logger: 'django.request' });
    assert.deepStrictEqual(parseEvent(JSON.stringify(record)), record);
    const note = { event: 'serverOutputNote', message: 'set codespaceTests.django.logFile' };
    assert.deepStrictEqual(parseEvent(JSON.stringify(note)), note);
    for (const bad of [
      { ...request, stream: 'stdin' },
      { ...request, time: '1' },
      { ...request, text: undefined },
      { ...record, level: 'loud' },
      { event: 'serverOutputNote' },
    ])
      assert.strictEqual(parseEvent(JSON.stringify(bad)), undefined, JSON.stringify(bad));
  });

  it("stores each line as Django's at its arrival time, a log record with its level and logger, colors removed", () => {
    const store = new LogStore(100);
    storeDjangoLine(store, line({ text: '\x1b[32m"GET /health/ HTTP/1.1" 200 15\x1b[0m', time: T0 + 5 }));
    storeDjangoLine(
      store,
      line({ stream: 'log', text: 'Not Found: /x', level: 'warn', logger: 'django.request', time: T0 + 9 }),
    );
    const lines = store.query({ sources: [DJANGO_SOURCE] });
    assert.deepStrictEqual(
      lines.map((l) => [l.text, l.time, l.tag, l.level]),
      [
        ['"GET /health/ HTTP/1.1" 200 15', T0 + 5, undefined, 'unknown'],
        ['Not Found: /x', T0 + 9, 'django.request', 'warn'],
      ],
    );
    store.dispose();
  });

  it("a run puts them in the log store, where a failed test's window finds them; a note is shown once", async () => {
    const store = new LogStore(100);
    const run = sink();
    const results = new RunResults<string, string, string>(
      run,
      {
        resolve: (id) => id,
        label: (i) => i,
        locationOf: () => undefined,
        message: (f) => f.text,
        someBelow: () => false,
      },
      store,
      new Set(),
    );
    const note: PluginEvent = { event: 'serverOutputNote', message: 'Django started with os.system.' };
    const events: PluginEvent[] = [
      line({ text: 'long before the test', time: T0 - 60_000 }),
      line({ text: '"GET /health/ HTTP/1.1" 200 15', time: T0 + 100 }),
      note,
      note,
      { ...FINISHED, nodeid: 't.py::test_a', outcome: 'failed', start: T0, stop: T0 + 500 } as PluginEvent,
    ];
    for (const e of events) results.handle(e);
    await results.evidenceRead();
    assert.strictEqual(results.results.get('t.py::test_a')?.serviceLogLines, 1);
    const out = run.output.join('');
    assert.match(out, /\[django\] "GET \/health\/ HTTP\/1\.1" 200 15/);
    assert.doesNotMatch(out, /long before/);
    assert.strictEqual(out.split('Django started with os.system.').length, 2, 'the note once');
    assert.deepStrictEqual(results.djangoNotes, ['Django started with os.system.']);
    store.dispose();
  });
});
