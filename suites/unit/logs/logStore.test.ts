import * as assert from 'node:assert';
import { LogStore, DJANGO_SOURCE, guessLevel } from '../../../src/core/logs/logStore';
import { compileFilter } from '../../../src/core/logs/filter';
import { parseAnsi, stripAnsi } from '../../../src/core/logs/ansi';

describe('logs: LogStore', () => {
  it('keeps at most capacity lines per source, dropping the oldest, and counts what it dropped', () => {
    const store = new LogStore(1000);
    for (let i = 0; i < 2500; i++) store.append('a', `a ${i}`, i);
    for (let i = 0; i < 10; i++) store.append('b', `b ${i}`, i);
    assert.strictEqual(store.size('a'), 1000);
    assert.strictEqual(store.dropped('a'), 1500);
    assert.strictEqual(store.tail('a', 1)[0].text, 'a 2499');
    assert.strictEqual(store.query({ sources: ['a'] })[0].text, 'a 1500');
    assert.strictEqual(store.size('b'), 10);
    store.setCapacity(1000);
    assert.ok(store.estimatedBytes() < 1010 * 200, String(store.estimatedBytes()));
  });

  it('queries a time window across sources in time order, after a seq, newest `limit`', () => {
    const store = new LogStore(100);
    store.append(DJANGO_SOURCE, 'd1', 10);
    store.append('pod/ns/p/c', 'p1', 5);
    const mid = store.append(DJANGO_SOURCE, 'd2', 20);
    store.append('pod/ns/p/c', 'p2', 25, 'p');
    assert.deepStrictEqual(
      store.query().map((l) => l.text),
      ['p1', 'd1', 'd2', 'p2'],
    );
    assert.deepStrictEqual(
      store.query({ from: 10, to: 20 }).map((l) => l.text),
      ['d1', 'd2'],
    );
    assert.deepStrictEqual(
      store.query({ afterSeq: mid }).map((l) => l.text),
      ['p2'],
    );
    assert.deepStrictEqual(
      store.query({ limit: 2 }).map((l) => l.text),
      ['d2', 'p2'],
    );
    assert.strictEqual(store.query({ sources: ['pod/ns/p/c'] })[1].tag, 'p');
  });

  it('filters by text (case-insensitive by default), regex and level; a bad regex matches nothing and does not throw', () => {
    const store = new LogStore(100);
    store.append('s', 'INFO GET /health/ 200');
    store.append('s', 'ERROR boom in view');
    store.append('s', '\x1b[31mWARNING\x1b[0m slow query');
    store.append('s', 'plain');
    assert.deepStrictEqual(
      store.query({ text: 'boom' }).map((l) => l.level),
      ['error'],
    );
    assert.deepStrictEqual(store.query({ text: 'BOOM', caseSensitive: true }).length, 0);
    assert.deepStrictEqual(
      store.query({ text: '^WARNING slow', regex: true }).map((l) => l.level),
      ['warn'],
    );
    assert.deepStrictEqual(store.query({ levels: ['error', 'warn'] }).length, 2);
    assert.deepStrictEqual(store.query({ text: '(', regex: true }), []);
    const bad = compileFilter({ text: '(', regex: true });
    assert.ok(!bad.ok && /Invalid regular expression/.test(bad.error));
  });

  it('batches listeners: one call for many appends', async () => {
    const store = new LogStore(100, 10);
    const batches: number[] = [];
    const first = new Promise<void>((resolve) =>
      store.onLines((l) => {
        batches.push(l.length);
        resolve();
      }),
    );
    for (let i = 0; i < 50; i++) store.append('s', `l${i}`);
    await first;
    // Every line came in the first call, so no later call can bring any.
    assert.deepStrictEqual(batches, [50]);
    store.dispose();
  });

  it('guesses levels, error first', () => {
    assert.strictEqual(guessLevel('INFO then Traceback'), 'error');
    assert.strictEqual(guessLevel('WARNING: x'), 'warn');
    assert.strictEqual(guessLevel('[DEBUG] y'), 'debug');
    assert.strictEqual(guessLevel('nothing here'), 'unknown');
  });
});

describe('logs: ANSI', () => {
  it('turns SGR codes into classed segments and drops other escapes', () => {
    assert.deepStrictEqual(parseAnsi('\x1b[1;31mred\x1b[0m plain \x1b[92mgreen\x1b[K'), [
      { text: 'red', classes: 'ansi-fg-1 ansi-bold' },
      { text: ' plain ', classes: '' },
      { text: 'green', classes: 'ansi-fg-10' },
    ]);
    assert.strictEqual(stripAnsi('\x1b[31m<img src=x>\x1b[0m'), '<img src=x>');
    assert.deepStrictEqual(parseAnsi('<b>no codes</b>'), [{ text: '<b>no codes</b>', classes: '' }]);
  });
});
