import * as assert from 'node:assert';
import { LogStore } from '../../../src/core/logs/logStore';
import type { LogLine } from '../../../src/core/logs/sourceRing';
import { ViewerFeed } from '../../../src/logs/viewerFeed';
import type { HostMessage } from '../../../src/logs/viewerProtocol';

/** Lines `from`..`from + n - 1` of `source`, numbered by their seq (several sources may interleave). */
function lines(source: string, seqs: number[]): LogLine[] {
  return seqs.map((seq) => ({ seq, time: seq, source, text: `${source} ${seq}`, level: 'info' }));
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);

/** A feed whose page takes lines once `open()` is called; what it was sent, as texts per message. */
function feedOver(store: LogStore) {
  let canSend = false;
  const sent: Extract<HostMessage, { type: 'lines' }>[] = [];
  const feed = new ViewerFeed(
    store,
    () => canSend,
    async (m) => {
      if (m.type === 'lines') sent.push(m);
    },
  );
  return {
    feed,
    sent,
    /** Lets the page take lines, and resolves once nothing waits. */
    async open() {
      canSend = true;
      feed.schedule();
      for (let i = 0; i < 200 && feed.backlog; i++) await new Promise((r) => setTimeout(r, 5));
    },
  };
}

describe('log viewer feed: what waits for the page under a flood', () => {
  it('one source: never more waits than the store keeps, the newest, and the page is not told it missed any', async () => {
    const store = new LogStore(1000, 1_000_000);
    const { feed, sent, open } = feedOver(store);
    // Three store batches while the page cannot take them (hidden, or still busy with the last message).
    feed.add(lines('pod/a', range(1, 1000)), {});
    feed.add(lines('pod/a', range(1001, 1000)), {});
    feed.add(lines('pod/a', range(2001, 700)), {});
    assert.strictEqual(feed.backlog, 1000, "the store's bound");
    await open();
    const texts = sent.flatMap((m) => m.lines.text);
    assert.deepStrictEqual(
      texts,
      range(1701, 1000).map((n) => `pod/a ${n}`),
      'the newest 1,000, in order',
    );
    assert.ok(
      sent.every((m) => m.skipped === undefined),
      'lines the page would trim anyway are not reported as skipped',
    );
  });

  it('several sources: each keeps its own newest, interleaved as they came', async () => {
    const store = new LogStore(3, 1_000_000);
    const { feed, sent, open } = feedOver(store);
    // a: seqs 1..6, b: 7..8, a again: 9..10, c: 11..15
    feed.add([...lines('a', range(1, 6)), ...lines('b', [7, 8]), ...lines('a', [9, 10])], {});
    feed.add(lines('c', range(11, 5)), {});
    assert.strictEqual(feed.backlog, 3 + 2 + 3);
    await open();
    assert.deepStrictEqual(
      sent.flatMap((m) => m.lines.seq),
      [6, 7, 8, 9, 10, 13, 14, 15],
      "a's newest 3 (6, 9, 10), all of b, c's newest 3",
    );
  });

  it('below the bound nothing is dropped', async () => {
    const store = new LogStore(100, 1_000_000);
    const { feed, sent, open } = feedOver(store);
    feed.add(lines('a', range(1, 60)), {});
    feed.add(lines('b', range(61, 60)), {});
    assert.strictEqual(feed.backlog, 120, 'more than one source’s bound in all, none over its own');
    await open();
    assert.strictEqual(sent.flatMap((m) => m.lines.seq).length, 120);
  });
});
