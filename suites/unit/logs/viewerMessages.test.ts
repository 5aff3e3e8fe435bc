import * as assert from 'node:assert';
import { parseViewerState, parseWebviewMessage, type ViewerState } from '../../../src/logs/viewerProtocol';

const state: ViewerState = {
  scope: { from: 1, to: 2, sources: ['django'], title: 'test_x', afterSeq: 3 },
  filter: { text: 'err', regex: false, caseSensitive: true, levels: ['error', 'warn'] },
  layout: 'merged',
  follow: true,
  follows: [{ kind: 'pod', namespace: 'default', pod: 'web', container: 'app' }],
};

const rendered = {
  type: 'rendered',
  id: 1,
  rows: [{ source: 'django', tag: null, time: '10:00', level: 'info', text: 'hello' }],
  imgCount: 0,
  domRows: 1,
  totalLines: 1,
  shownLines: 1,
  panes: 1,
  filterError: null,
  following: true,
};

describe('log viewer: messages from the page are checked before the host acts', () => {
  it('passes every well-formed message through', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'save' },
      { type: 'clear' },
      { type: 'copy', text: 'a\nb', lines: 2 },
      { type: 'state', state },
      rendered,
    ])
      assert.deepStrictEqual(parseWebviewMessage(m), m, JSON.stringify(m));
  });

  it('keeps only the known fields of a simple message (no smuggled extras)', () => {
    assert.deepStrictEqual(parseWebviewMessage({ type: 'save', path: '/etc/passwd' }), { type: 'save' });
  });

  it('drops hostile and malformed messages without throwing', () => {
    const hostile: unknown[] = [
      undefined,
      null,
      42,
      'ready',
      [],
      [{ type: 'ready' }],
      {},
      { type: 'unknown' },
      { type: 'constructor' },
      { type: '__proto__' },
      { type: { toString: () => 'ready' } },
      { type: 'copy' },
      { type: 'copy', text: 5, lines: 1 },
      { type: 'copy', text: 'x', lines: -1 },
      { type: 'copy', text: 'x', lines: 1.5 },
      { type: 'copy', text: 'x', lines: Infinity },
      { type: 'copy', text: 'x'.repeat(64 * 1024 * 1024 + 1), lines: 1 },
      { type: 'state' },
      { type: 'state', state: null },
      { type: 'state', state: { ...state, layout: 'grid' } },
      { type: 'state', state: { ...state, follow: 'yes' } },
      { type: 'state', state: { ...state, scope: { ...state.scope, sources: 'django' } } },
      { type: 'state', state: { ...state, scope: { ...state.scope, from: '0' } } },
      { type: 'state', state: { ...state, scope: { ...state.scope, title: { html: '<img>' } } } },
      { type: 'state', state: { ...state, filter: { ...state.filter, levels: ['fatal'] } } },
      { type: 'state', state: { ...state, filter: { ...state.filter, regex: 1 } } },
      { type: 'state', state: { ...state, follows: [{ kind: 'pod', namespace: 'default' }] } },
      { type: 'state', state: { ...state, follows: [{ kind: 'exec', namespace: 'd', command: 'rm' }] } },
      { ...rendered, id: '1' },
      { ...rendered, rows: [{ ...rendered.rows[0], level: 'fatal' }] },
      { ...rendered, rows: 'rows' },
      { ...rendered, rows: new Array(100_001).fill(rendered.rows[0]) },
      { ...rendered, following: undefined },
      { ...rendered, filterError: 7 },
    ];
    hostile.forEach((m, i) => assert.strictEqual(parseWebviewMessage(m), undefined, `hostile message #${i}`));
  });

  it('a prototype-polluting state is dropped, and nothing is polluted', () => {
    const m = JSON.parse(`{"type":"state","state":{"__proto__":{"polluted":true}}}`) as unknown;
    assert.strictEqual(parseWebviewMessage(m), undefined);
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
  });

  it('a state without follows gets none (what the window follows is the host’s to say)', () => {
    const { follows: _follows, ...rest } = state;
    assert.deepStrictEqual(parseViewerState(rest)?.follows, []);
  });

  it('never throws on a seeded run of random shapes', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [
      null,
      undefined,
      true,
      0,
      -1,
      Number.POSITIVE_INFINITY,
      'ready',
      'state',
      'copy',
      'rendered',
      '',
      [],
      {},
      state,
      rendered,
    ];
    const pick = () => values[Math.floor(rand() * values.length)];
    const keys = [
      'type',
      'state',
      'text',
      'lines',
      'id',
      'rows',
      'scope',
      'filter',
      'layout',
      'follow',
      'follows',
    ];
    for (let i = 0; i < 3000; i++) {
      const m: Record<string, unknown> = {};
      for (const k of keys) if (rand() < 0.5) m[k] = pick();
      const parsed = parseWebviewMessage(m);
      if (parsed) assert.ok(['ready', 'save', 'clear', 'state', 'copy', 'rendered'].includes(parsed.type));
    }
  });
});
