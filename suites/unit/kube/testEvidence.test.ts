import * as assert from 'node:assert';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { linesInWindow, sinceTimeOf } from '../../../src/core/kube/windowLogs';
import { eventInWindow, eventLine, pickEvents } from '../../../src/core/kube/clusterEventLines';
import { restartsInWindow } from '../../../src/core/kube/containerRestarts';
import { leftoversOf, parseClusterKind, type ClusterSnapshot } from '../../../src/core/kube/leftovers';

const S = Date.parse('2026-05-01T10:00:05Z');
const window = { from: S + 500, to: S + 2500 };

describe('cluster evidence: the pure parts', () => {
  it('keeps the log lines inside the window, the newest when over the bound, and drops a line cut by limitBytes', () => {
    const body = [
      '2026-05-01T10:00:05.4Z before',
      '2026-05-01T10:00:05.5Z first',
      '2026-05-01T10:00:06.123456789Z second',
      '2026-05-01T10:00:07.5Z third',
      '2026-05-01T10:00:07.6Z after',
      '2026-05-01T10:00:07.7Z cut mid-li',
    ].join('\n');
    const all = linesInWindow(body, 's', window, { maxLines: 10, limitBytes: Buffer.byteLength(body) });
    assert.deepStrictEqual(
      all.lines.map((l) => [l.text, l.time - S]),
      [
        ['first', 500],
        ['second', 1123],
        ['third', 2500],
      ],
    );
    assert.ok(all.cutAtBytes);
    const two = linesInWindow(body + '\n', 's', window, { maxLines: 2 });
    assert.deepStrictEqual(
      [two.lines.map((l) => l.text), two.leftOut, two.cutAtBytes],
      [['second', 'third'], 1, false],
    );
    assert.strictEqual(sinceTimeOf(window), '2026-05-01T10:00:05Z');
  });

  const event = (over: Partial<CoreV1Event>): CoreV1Event =>
    ({
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' },
      reason: 'R',
      message: 'm',
      type: 'Normal',
      ...over,
    }) as CoreV1Event;

  it('places Events by whole-second stamps or eventTime, and keeps warnings first under the bound', () => {
    assert.ok(
      eventInWindow(event({ lastTimestamp: new Date(S), firstTimestamp: new Date(S) }), window),
      'same second counts',
    );
    assert.ok(
      !eventInWindow(
        event({ lastTimestamp: new Date(S - 1000), firstTimestamp: new Date(S - 9000) }),
        window,
      ),
    );
    assert.ok(eventInWindow(event({ eventTime: new Date(S + 2400) }), window));
    assert.ok(!eventInWindow(event({ eventTime: new Date(S + 2600) }), window));
    const w = eventLine(
      event({ type: 'Warning', reason: 'BackOff', count: 3, lastTimestamp: new Date(S + 1000) }),
      window,
    );
    assert.deepStrictEqual(w, {
      source: 'events',
      time: S + 1000,
      text: 'Warning BackOff Pod ns/p: m (3 times)',
      level: 'warn',
    });
    const normal = [1, 2, 3].map((i) => ({ ...w, level: 'info' as const, time: S + 600 + i, text: `n${i}` }));
    const picked = pickEvents([...normal, w], 2);
    assert.deepStrictEqual([picked.lines.map((l) => l.text), picked.leftOut], [['n3', w.text], 2]);
  });

  it('describes containers stopped in the window only', () => {
    const pod = {
      metadata: { name: 'm', namespace: 'ns' },
      status: {
        containerStatuses: [
          {
            name: 'a',
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: new Date(S + 1000) } },
          },
          {
            name: 'b',
            restartCount: 1,
            state: { running: {} },
            lastState: {
              terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: new Date(S - 60_000) },
            },
          },
        ],
      },
    } as unknown as V1Pod;
    const r = restartsInWindow(pod, window);
    assert.deepStrictEqual(
      r.map((x) => x.text),
      [
        'container a of pod ns/m stopped (Error) (exit code 1) at 2026-05-01T10:00:06Z; 2 restarts in all; now CrashLoopBackOff',
      ],
    );
  });

  it('reads kinds to check and diffs snapshots by uid', () => {
    assert.deepStrictEqual(parseClusterKind('batch/v1/jobs'), {
      group: 'batch',
      version: 'v1',
      resource: 'jobs',
      kind: 'jobs',
    });
    assert.deepStrictEqual(parseClusterKind('ConfigMap=v1/configmaps'), {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      kind: 'ConfigMap',
    });
    assert.ok('error' in parseClusterKind('jobs'));
    const snap = (
      objects: ClusterSnapshot['objects'],
      listed = ['d Deployment', 'd Pod'],
    ): ClusterSnapshot => ({ objects, listed, notes: [] });
    const dep = { kind: 'Deployment', namespace: 'd', name: 'x', uid: '1' };
    const recreated = { ...dep, uid: '2' };
    const orphan = {
      kind: 'Pod',
      namespace: 'd',
      name: 'o',
      uid: '3',
      controller: { kind: 'Deployment', name: 'x', uid: '1' },
    };
    const owned = {
      kind: 'Pod',
      namespace: 'd',
      name: 'r',
      uid: '4',
      controller: { kind: 'ReplicaSet', name: 'rs', uid: '9' },
    };
    assert.deepStrictEqual(leftoversOf(snap([dep]), snap([recreated, orphan, owned])), [
      { kind: 'Deployment', namespace: 'd', name: 'x' },
      { kind: 'Pod', namespace: 'd', name: 'o' },
    ]);
    assert.deepStrictEqual(
      leftoversOf(snap([], ['d Pod']), snap([recreated])),
      [],
      'a kind not listed before is not compared',
    );
  });
});
