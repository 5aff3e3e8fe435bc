import * as assert from 'node:assert';
import type { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { PodLogStream, type NoticeLevel } from '../../../src/core/kube/podLogStream';
import { Backoff } from '../../../src/core/backoff';
import { cutMarker, DEFAULT_MAX_LINE_BYTES } from '../../../src/core/lines/lineSplitter';
import { waitUntil } from '../support';
import { memoryLogger, numbered, standIn } from './kubeHelpers';

describe('kube: PodLogStream (through the real client against the stand-in)', function () {
  this.timeout(30_000);
  let api: FakeKubeApi;
  let kc: KubeConfig;
  let streams: PodLogStream[] = [];

  beforeEach(async () => {
    ({ api, kc } = await standIn());
    api.addPod('default', 'web', { containers: ['app', 'sidecar'] });
  });
  afterEach(async () => {
    await Promise.all(streams.map((s) => s.stop()));
    streams = [];
    await api.close();
  });

  function follow(opts: ConstructorParameters<typeof PodLogStream>[4] = {}, pod = 'web', container = 'app') {
    const lines: { text: string; time: number; notice?: NoticeLevel }[] = [];
    const s = new PodLogStream(
      kc,
      { namespace: 'default', pod, container },
      {
        line: (buf, start, end, time) => void lines.push({ text: buf.toString('utf8', start, end), time }),
        notice: (text, time, notice) => void lines.push({ text, time, notice }),
      },
      memoryLogger(),
      {
        backoff: new Backoff(20, 200),
        ...opts,
      },
    );
    streams.push(s);
    s.start();
    const own = () => lines.filter((l) => !l.notice).map((l) => l.text);
    return { s, lines, own };
  }

  it('follows a container with tailLines history, the requested container only, with timestamps', async () => {
    api.writeLog('default', 'web', 'app', numbered('old', 0, 10));
    api.writeLog('default', 'web', 'sidecar', ['sidecar line']);
    const { own, lines } = follow({ tailLines: 3 });
    await waitUntil(() => own().length === 3);
    api.writeLog('default', 'web', 'app', ['live 1', 'live 2']);
    await waitUntil(() => own().length === 5);
    assert.deepStrictEqual(own(), ['old 7', 'old 8', 'old 9', 'live 1', 'live 2']);
    const req = api.requests.find((r) => r.path.endsWith('/log'))!;
    assert.strictEqual(req.query.container, 'app');
    assert.strictEqual(req.query.follow, 'true');
    assert.strictEqual(req.query.timestamps, 'true');
    assert.strictEqual(req.query.tailLines, '3');
    // Times come from the server's timestamps, not from arrival.
    assert.ok(lines.every((l) => l.time > Date.now() - 60_000 && l.time <= Date.now()));
  });

  it('resumes after dropped streams without losing or repeating a line (counted line by line)', async () => {
    const { own } = follow({ tailLines: 0 });
    await waitUntil(() => api.requests.some((r) => r.path.endsWith('/log')));
    const expected: string[] = [];
    let n = 0;
    let cuts = 0;
    for (let round = 0; round < 40; round++) {
      // Bursts land in the same second, so the resume's whole-second sinceTime repeats lines the stream must skip.
      const batch = numbered('line', n, n + 50);
      n += 50;
      expected.push(...batch);
      api.writeLog('default', 'web', 'app', batch, { dropMidLine: round % 3 === 1 });
      if (round % 3 === 1) cuts++;
      if (round % 3 === 0) cuts += api.dropConnections('log');
      if (round % 5 === 0) {
        // Lines written while nobody is connected must arrive after the resume too.
        const gap = numbered('line', n, n + 7);
        n += 7;
        expected.push(...gap);
        api.writeLog('default', 'web', 'app', gap);
      }
      // Everything so far arrived, so the stream is connected again: the next round's cut is a real one.
      await waitUntil(() => own().length >= expected.length, 15_000);
    }
    // Lines arrive in order, so a late duplicate would come before this last line.
    expected.push('the last line');
    api.writeLog('default', 'web', 'app', ['the last line']);
    await waitUntil(() => own().includes('the last line'), 15_000);
    const got = own();
    const missing = expected.filter((l) => !got.includes(l));
    const repeated = got.filter((l, i) => got.indexOf(l) !== i);
    assert.deepStrictEqual({ missing, repeated }, { missing: [], repeated: [] });
    assert.deepStrictEqual(got, expected, 'same lines in the same order');
    const resumes = api.requests.filter((r) => r.path.endsWith('/log') && r.query.sinceTime);
    assert.strictEqual(cuts, 27, 'every round that cuts the stream found it connected');
    assert.strictEqual(resumes.length, cuts, 'one resume per cut');
  });

  it('does not repeat lines that share one timestamp across a drop', async () => {
    const { own } = follow({ tailLines: 0 });
    await waitUntil(() => api.requests.some((r) => r.path.endsWith('/log')));
    api.writeLog('default', 'web', 'app', ['same a', 'same b', 'same c'], { sameTimestamp: true });
    await waitUntil(() => own().length === 3);
    api.dropConnections('log');
    api.writeLog('default', 'web', 'app', ['after']);
    await waitUntil(() => own().includes('after'));
    // Lines arrive in order, so a late repeat of the resume would come before this one.
    api.writeLog('default', 'web', 'app', ['last']);
    await waitUntil(() => own().includes('last'));
    assert.deepStrictEqual(own(), ['same a', 'same b', 'same c', 'after', 'last']);
  });

  it("follows a restarted container: the old instance's last lines, a visible restart line, then the new instance", async () => {
    const { own, lines } = follow({ tailLines: 10 });
    api.writeLog('default', 'web', 'app', ['before restart']);
    await waitUntil(() => own().length === 1);
    // Cut the stream, then the old instance writes its last words and restarts before the resume.
    api.dropConnections('log');
    api.writeLog('default', 'web', 'app', ['last words']);
    api.restartPod('default', 'web');
    api.writeLog('default', 'web', 'app', ['new instance 1']);
    await waitUntil(() => own().length >= 3);
    api.writeLog('default', 'web', 'app', ['new instance 2']);
    await waitUntil(() => own().length >= 4);
    assert.deepStrictEqual(own(), ['before restart', 'last words', 'new instance 1', 'new instance 2']);
    const notice = lines.find((l) => l.notice);
    assert.match(notice!.text, /container app of pod web restarted \(restart #1\)/);
    assert.ok(api.requests.some((r) => r.path.endsWith('/log') && r.query.previous === 'true'));
  });

  it('restart while connected: the stream ends and continues on the new instance', async () => {
    const { own, lines } = follow({ tailLines: 10 });
    api.writeLog('default', 'web', 'app', ['one']);
    await waitUntil(() => own().length === 1);
    api.restartPod('default', 'web');
    api.writeLog('default', 'web', 'app', ['two']);
    await waitUntil(() => own().length === 2);
    assert.deepStrictEqual(own(), ['one', 'two']);
    assert.ok(lines.some((l) => l.notice && /restarted/.test(l.text)));
  });

  it('a deleted pod ends the stream with a visible line', async () => {
    const { s, lines } = follow({ tailLines: 10 });
    api.writeLog('default', 'web', 'app', ['alive']);
    await waitUntil(() => lines.length === 1);
    api.deletePod('default', 'web');
    const ended = await s.ended;
    assert.strictEqual(ended.reason, 'deleted');
    const last = lines[lines.length - 1];
    assert.strictEqual(last.notice, 'warn');
    assert.match(last.text, /pod web was deleted; its log stream ended/);
  });

  it('podDeleted() from the watch ends a stream at once', async () => {
    const { s, lines } = follow({ tailLines: 10 });
    await waitUntil(() => s.state.kind === 'following');
    s.podDeleted();
    assert.strictEqual((await s.ended).reason, 'deleted');
    assert.match(lines[lines.length - 1].text, /was deleted/);
  });

  it('a missing pod ends with a clear line', async () => {
    const { s } = follow({}, 'nope');
    const ended = await s.ended;
    assert.strictEqual(ended.reason, 'notFound');
    assert.match(ended.message, /pod nope not found in namespace "default"/);
  });

  it('401 and 403 end the stream with a message naming the namespace and the verb', async () => {
    api.refuse({ status: 403, resource: 'pods/log' });
    const forbidden = await follow().s.ended;
    assert.strictEqual(forbidden.reason, 'denied');
    assert.match(forbidden.message, /Not allowed to get pods\/log in namespace "default" \(403 Forbidden\)/);
    api.refuse({ status: 401 });
    const unauthorized = await follow({ context: 'stand-in' }).s.ended;
    assert.match(
      unauthorized.message,
      /rejected the credentials of context "stand-in" \(401 Unauthorized\) when trying to get pods in namespace "default"/,
    );
  });

  it('an unreachable cluster is retried with growing backoff and a state that says so', async () => {
    const { s } = follow({ backoff: new Backoff(30, 400) });
    await waitUntil(() => s.state.kind === 'following');
    await api.close();
    const waits: number[] = [];
    s.onState((st) => st.kind === 'retrying' && waits.push(st.retryInMs));
    await waitUntil(() => waits.length >= 3, 5000);
    assert.match((s.state as { message: string }).message, /Cannot reach the cluster/);
    assert.ok(waits[1] > waits[0] && waits[2] > waits[1], `waits ${waits}`);
    api = await FakeKubeApi.start(); // for afterEach
  });

  it('a megabyte line arrives cut at the display cap and marked; invalid UTF-8 arrives as U+FFFD', async () => {
    api.writeLog('default', 'web', 'app', [
      Buffer.alloc(1024 * 1024, 'y'),
      Buffer.from([0x61, 0xff, 0x62]),
      'fine',
    ]);
    const { own } = follow({ tailLines: 10 });
    await waitUntil(() => own().length === 3);
    const [big, bad, fine] = own();
    // Cut at the cap counted with the timestamp prefix the stream asked for, then marked.
    const marker = cutMarker(DEFAULT_MAX_LINE_BYTES);
    assert.ok(big.endsWith(marker), big.slice(-80));
    assert.ok(
      /^y+$/.test(big.slice(0, -marker.length)) && big.length <= DEFAULT_MAX_LINE_BYTES + marker.length,
    );
    assert.strictEqual(bad, 'a\uFFFDb');
    assert.strictEqual(fine, 'fine');
  });
});
