import * as assert from 'node:assert';
import { leftoversByTest, type ClusterObject, type ClusterSnapshot } from '../../../src/core/kube/leftovers';
import { leftoverKinds, leftoverSummary } from '../../../src/core/pytest/clusterLeftovers';
import { RunResults } from '../../../src/core/pytest/runResults';
import type { FinishedEvent } from '../../../src/core/pytest/protocol';
import type { TestRunSink } from '../../../src/core/pytest/runUpdates';

const T = Date.parse('2026-05-01T10:00:00Z');
const LISTED = ['d Deployment', 'd Pod'];
const snap = (objects: ClusterObject[]): ClusterSnapshot => ({ objects, listed: LISTED, notes: [] });
const dep = (name: string, created?: number): ClusterObject => ({
  kind: 'Deployment',
  namespace: 'd',
  name,
  uid: `uid-${name}`,
  ...(created === undefined ? {} : { created }),
});

describe('cluster leftovers: each charged to the test whose window holds its creation time', () => {
  const tests = [
    { nodeid: 'a.py::first', start: T + 100, stop: T + 2_000 },
    { nodeid: 'a.py::second', start: T + 2_050, stop: T + 2_300 },
    { nodeid: 'a.py::third', start: T + 5_000, stop: T + 9_000 },
  ];

  it('charges by creationTimestamp; what was there before, and objects outside every window, are not charged', () => {
    const before = snap([dep('old', T - 60_000)]);
    const after = snap([
      dep('old', T - 60_000),
      dep('made-in-first', T + 1_000),
      dep('made-in-third', T + 7_000),
      dep('between', T + 3_000),
      dep('unstamped'),
    ]);
    assert.deepStrictEqual(leftoversByTest(before, after, tests), {
      leftovers: [
        { nodeid: 'a.py::first', kind: 'Deployment', namespace: 'd', name: 'made-in-first' },
        { nodeid: 'a.py::third', kind: 'Deployment', namespace: 'd', name: 'made-in-third' },
      ],
      uncharged: [
        { kind: 'Deployment', namespace: 'd', name: 'between' },
        { kind: 'Deployment', namespace: 'd', name: 'unstamped' },
      ],
    });
  });

  it('a second shared by two windows goes to the one covering most of it (whole-second stamps)', () => {
    // Stamped T+2 s: made somewhen in [T+2000, T+3000); `second` covers 250 ms of it, `first` none.
    const { leftovers } = leftoversByTest(snap([]), snap([dep('x', T + 2_000)]), tests);
    assert.deepStrictEqual(
      leftovers.map((l) => l.nodeid),
      ['a.py::second'],
    );
    // Stamped T+1 s: `first` covers all of [T+1000, T+2000), `second` nothing.
    const early = leftoversByTest(snap([]), snap([dep('y', T + 1_000)]), tests);
    assert.deepStrictEqual(
      early.leftovers.map((l) => l.nodeid),
      ['a.py::first'],
    );
  });

  it('the kinds: the defaults and codespaceTests.leaks.kinds, a duplicate once, a malformed one named', () => {
    const { kinds, notes } = leftoverKinds(['Job=batch/v1/jobs', 'apps/v1/deployments', 'jobs']);
    assert.deepStrictEqual(
      kinds.map((k) => k.kind),
      ['Deployment', 'Pod', 'Service', 'Knative Service', 'Job'],
    );
    assert.strictEqual(notes.length, 1);
    assert.match(notes[0], /^codespaceTests\.leaks\.kinds: "jobs" is not a kind to check/);
  });

  it('the summary: one line per test, every object it left', () => {
    const place = { kind: 'Deployment', namespace: 'd' };
    assert.deepStrictEqual(
      leftoverSummary([
        { nodeid: 'a.py::t', ...place, name: 'x' },
        { nodeid: 'a.py::t', kind: 'Service', namespace: 'd', name: 'x' },
        { nodeid: 'b.py::u', ...place, name: 'y' },
      ]),
      [
        'Leak check: 2 tests left objects in the cluster:',
        '  a.py::t: left Deployment d/x, Service d/x in the cluster',
        '  b.py::u: left Deployment d/y in the cluster',
      ],
    );
    assert.deepStrictEqual(leftoverSummary([]), []);
  });

  it('in the Test Explorer: a warning on the test at its location, like a leaked row; the outcome stays', () => {
    const calls: unknown[][] = [];
    const run: TestRunSink<string, string, string> = {
      enqueued: () => undefined,
      started: () => undefined,
      passed: (t) => calls.push(['passed', t]),
      skipped: () => undefined,
      failed: (t) => calls.push(['failed', t]),
      errored: () => undefined,
      appendOutput: (o, l, t) => calls.push(['output', o, l, t]),
      end: () => undefined,
    };
    const results = new RunResults(
      run,
      {
        resolve: (id) => `item:${id}`,
        label: (item) => item.slice(item.indexOf('::') + 2),
        locationOf: (item) => `loc:${item}`,
        message: (f) => f.text,
        someBelow: () => false,
      },
      undefined,
      new Set(),
    );
    const finished: FinishedEvent = {
      event: 'finished',
      nodeid: 'a.py::t',
      outcome: 'passed',
      when: 'call',
      start: T,
      stop: T + 500,
      duration: 500,
      stdout: '',
      stderr: '',
      log: '',
    };
    results.handle(finished);
    assert.deepStrictEqual(results.spans, [{ nodeid: 'a.py::t', start: T, stop: T + 500 }]);
    results.leftoversFound([{ nodeid: 'a.py::t', kind: 'Deployment', namespace: 'd', name: 'x' }]);
    assert.deepStrictEqual(calls, [
      ['passed', 'item:a.py::t'],
      [
        'output',
        '\r\n⚠ Leak check: t left Deployment d/x in the cluster\r\n',
        'loc:item:a.py::t',
        'item:a.py::t',
      ],
    ]);
    assert.deepStrictEqual(results.results.get('a.py::t')?.leaks, ['left Deployment d/x in the cluster']);
    assert.strictEqual(results.results.get('a.py::t')?.outcome, 'passed');
  });
});
