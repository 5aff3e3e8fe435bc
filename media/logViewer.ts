// The log viewer's page. Lines live in columns; each pane renders only the rows in view (a pool of
// row elements reused while scrolling), so a million lines scroll like a hundred. Log text reaches
// the DOM only through textContent (ANSI colours become class names on spans), never as markup.
import type {
  HostMessage,
  RenderedRow,
  ViewerFilter,
  ViewerLayout,
  ViewerState,
  WebviewMessage,
  WireLines,
} from '../src/logs/viewerProtocol';
import { compileFilter, LOG_LEVELS, type CompiledFilter, type LogLevel } from '../src/core/logs/filter';
import { parseAnsi, stripAnsi } from '../src/core/logs/ansi';
import { sourceLabel } from '../src/logs/sourceLabel';

declare function acquireVsCodeApi(): {
  postMessage(m: WebviewMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
};
const host = acquireVsCodeApi();

/** Lines kept in the page; beyond it the oldest go (the store on the host keeps its own bound). */
const MAX_LINES = 1_000_000;
const ROW_H = 18;
/** Browsers cap an element's height; past this the scrollbar maps proportionally onto the rows. */
const MAX_SCROLL_PX = 8_000_000;
const COPY_LIMIT = 200_000;

// ---- the lines ----

const lines = {
  seq: [] as number[],
  time: [] as number[],
  src: [] as number[],
  level: [] as LogLevel[],
  tag: [] as (string | null)[],
  text: [] as string[],
  sources: [] as string[],
  sourceIndex: new Map<string, number>(),
};

function addLines(w: WireLines): number {
  const start = lines.text.length;
  const map = w.sources.map((s) => {
    let i = lines.sourceIndex.get(s);
    if (i === undefined) {
      i = lines.sources.length;
      lines.sources.push(s);
      lines.sourceIndex.set(s, i);
    }
    return i;
  });
  for (let k = 0; k < w.text.length; k++) {
    lines.seq.push(w.seq[k]);
    lines.time.push(w.time[k]);
    lines.src.push(map[w.src[k]]);
    lines.level.push(w.level[k]);
    lines.tag.push(w.tag[k]);
    lines.text.push(w.text[k]);
  }
  return start;
}

/** Drops the oldest lines past MAX_LINES (in one splice, not per line); returns how many went. */
function trimLines(): number {
  const extra = lines.text.length - MAX_LINES;
  if (extra < MAX_LINES / 10) return 0;
  for (const col of [lines.seq, lines.time, lines.src, lines.level, lines.tag, lines.text] as unknown[][])
    col.splice(0, extra);
  return extra;
}

// ---- state ----

let state: ViewerState = (host.getState() as ViewerState | undefined) ?? {
  scope: {},
  filter: { text: '', regex: false, caseSensitive: false, levels: [] },
  layout: 'merged',
  follow: true,
};
let filter: CompiledFilter = compileFilter(state.filter);

function saveState(): void {
  host.setState(state);
  host.postMessage({ type: 'state', state });
}

// ---- panes ----

const panesEl = document.getElementById('panes')!;

class Pane {
  readonly el = document.createElement('div');
  private readonly scroller = document.createElement('div');
  private readonly spacer = document.createElement('div');
  private readonly layer = document.createElement('div');
  private rows: HTMLDivElement[] = [];
  /** Line indexes shown in this pane, in order. */
  idx: number[] = [];
  private first = 0;
  private selA = -1;
  private selB = -1;
  private frame = 0;

  constructor(
    /** The source index this pane shows; -1: all (merged). */
    readonly source: number,
  ) {
    this.el.className = 'pane';
    if (source >= 0) {
      const head = document.createElement('div');
      head.className = 'pane-head';
      head.textContent = sourceLabel(lines.sources[source]);
      head.title = lines.sources[source];
      this.el.appendChild(head);
    }
    this.scroller.className = 'scroller';
    this.scroller.tabIndex = 0;
    this.spacer.className = 'spacer';
    this.layer.className = 'layer';
    this.scroller.append(this.spacer, this.layer);
    this.el.appendChild(this.scroller);
    this.scroller.addEventListener('scroll', () => this.requestRender(), { passive: true });
    this.layer.addEventListener('click', (e) => this.onClick(e));
  }

  get atBottom(): boolean {
    const s = this.scroller;
    return s.scrollTop + s.clientHeight >= s.scrollHeight - ROW_H / 2;
  }

  rebuild(): void {
    this.idx = [];
    this.selA = this.selB = -1;
    this.append(0);
  }

  /** Takes in lines from `start` on that belong here and pass the filter. */
  append(start: number): void {
    if (!filter.ok) return;
    const src = lines.src;
    for (let i = start; i < lines.text.length; i++) {
      if (this.source >= 0 && src[i] !== this.source) continue;
      if (!filter.trivial && !filter.matches(lines.text[i], lines.level[i])) continue;
      this.idx.push(i);
    }
  }

  /** The page dropped `n` lines from the front: shift the indexes. */
  shift(n: number): void {
    let k = 0;
    while (k < this.idx.length && this.idx[k] < n) k++;
    this.idx = this.idx.slice(k).map((i) => i - n);
    this.selA = this.selB = -1;
  }

  private visibleCount(): number {
    return Math.max(1, Math.ceil(this.scroller.clientHeight / ROW_H) + 1);
  }

  layout(scrollToEnd: boolean): void {
    const h = Math.min(this.idx.length * ROW_H, MAX_SCROLL_PX);
    this.spacer.style.height = `${h}px`;
    if (scrollToEnd) this.scroller.scrollTop = this.scroller.scrollHeight;
    this.render();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render(): void {
    const s = this.scroller;
    const n = this.idx.length;
    const full = Math.max(1, Math.floor(s.clientHeight / ROW_H));
    const exact = n * ROW_H <= MAX_SCROLL_PX;
    const range = Math.max(1, s.scrollHeight - s.clientHeight);
    this.first = exact
      ? Math.floor(s.scrollTop / ROW_H)
      : Math.round((s.scrollTop / range) * Math.max(0, n - full));
    this.first = Math.max(0, Math.min(this.first, Math.max(0, n - full)));
    const count = Math.min(this.visibleCount(), n - this.first);
    while (this.rows.length < count) {
      const row = document.createElement('div');
      row.className = 'row';
      const t = document.createElement('span');
      t.className = 'time';
      const src = document.createElement('span');
      src.className = 'src';
      const text = document.createElement('span');
      text.className = 'text';
      row.append(t, src, text);
      this.layer.appendChild(row);
      this.rows.push(row);
    }
    // The layer sits where the view is; rows fill it from the first visible line.
    const offset = exact ? this.first * ROW_H : s.scrollTop;
    this.layer.style.transform = `translateY(${offset}px)`;
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r];
      if (r >= count) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      const pos = this.first + r;
      const i = this.idx[pos];
      if (row.dataset.line === String(lines.seq[i]) && row.dataset.pos === String(pos)) continue;
      row.dataset.line = String(lines.seq[i]);
      row.dataset.pos = String(pos);
      fillRow(row, i, this.source < 0);
      row.classList.toggle('selected', this.isSelected(pos));
    }
  }

  private isSelected(pos: number): boolean {
    return this.selA >= 0 && pos >= Math.min(this.selA, this.selB) && pos <= Math.max(this.selA, this.selB);
  }

  private onClick(e: MouseEvent): void {
    const row = (e.target as HTMLElement).closest('.row') as HTMLDivElement | null;
    if (!row?.dataset.pos) return;
    const pos = Number(row.dataset.pos);
    if (e.shiftKey && this.selA >= 0) this.selB = pos;
    else if (this.selA === pos && this.selB === pos) this.selA = this.selB = -1;
    else this.selA = this.selB = pos;
    for (const r of this.rows)
      r.classList.toggle('selected', !r.hidden && this.isSelected(Number(r.dataset.pos)));
  }

  /** Selected line indexes, or none. */
  selection(): number[] {
    if (this.selA < 0) return [];
    return this.idx.slice(Math.min(this.selA, this.selB), Math.max(this.selA, this.selB) + 1);
  }

  visibleRows(): RenderedRow[] {
    const out: RenderedRow[] = [];
    for (const row of this.rows) {
      if (row.hidden) continue;
      const i = this.idx[Number(row.dataset.pos)];
      out.push({
        source: lines.sources[lines.src[i]],
        tag: lines.tag[i],
        time: row.children[0].textContent ?? '',
        level: lines.level[i],
        text: row.children[2].textContent ?? '',
      });
    }
    return out;
  }
}

function fillRow(row: HTMLDivElement, i: number, showSource: boolean): void {
  const [timeEl, srcEl, textEl] = row.children as unknown as HTMLSpanElement[];
  row.className = `row lvl-${lines.level[i]}`;
  timeEl.textContent = clock(lines.time[i]);
  const tag = lines.tag[i];
  srcEl.hidden = !showSource && !tag;
  srcEl.textContent = showSource
    ? sourceLabel(lines.sources[lines.src[i]]) + (tag ? ` ${tag}` : '')
    : (tag ?? '');
  srcEl.title = lines.sources[lines.src[i]];
  textEl.replaceChildren();
  for (const seg of parseAnsi(lines.text[i])) {
    if (!seg.classes) {
      textEl.appendChild(document.createTextNode(seg.text));
      continue;
    }
    const span = document.createElement('span');
    span.className = seg.classes;
    span.textContent = seg.text;
    textEl.appendChild(span);
  }
}

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

let panes: Pane[] = [];

function buildPanes(): void {
  panesEl.replaceChildren();
  panesEl.className = state.layout;
  panes =
    state.layout === 'merged' || lines.sources.length === 0
      ? [new Pane(-1)]
      : lines.sources.map((_s, i) => new Pane(i));
  for (const p of panes) {
    panesEl.appendChild(p.el);
    p.rebuild();
  }
  for (const p of panes) p.layout(state.follow);
}

function wasAtBottom(): boolean[] {
  return panes.map((p) => p.atBottom);
}

// ---- toolbar ----

const filterInput = document.getElementById('filter') as HTMLInputElement;
const regexBtn = document.getElementById('regex') as HTMLButtonElement;
const caseBtn = document.getElementById('case') as HTMLButtonElement;
const levelsEl = document.getElementById('levels')!;
const layoutBtn = document.getElementById('layout') as HTMLButtonElement;
const followBtn = document.getElementById('follow') as HTMLButtonElement;
const statusEl = document.getElementById('status')!;
const scopeEl = document.getElementById('scope')!;
const levelBtns = new Map<LogLevel, HTMLButtonElement>();

for (const level of LOG_LEVELS) {
  const b = document.createElement('button');
  b.className = `toggle level lvl-${level}`;
  b.textContent = level === 'unknown' ? 'other' : level;
  b.title = `Show ${b.textContent} lines`;
  b.addEventListener('click', () => {
    const all = state.filter.levels.length ? new Set(state.filter.levels) : new Set(LOG_LEVELS);
    if (all.has(level)) all.delete(level);
    else all.add(level);
    applyFilter({ ...state.filter, levels: all.size === LOG_LEVELS.length ? [] : [...all] });
  });
  levelBtns.set(level, b);
  levelsEl.appendChild(b);
}

function syncToolbar(): void {
  if (document.activeElement !== filterInput) filterInput.value = state.filter.text;
  regexBtn.setAttribute('aria-pressed', String(state.filter.regex));
  caseBtn.setAttribute('aria-pressed', String(state.filter.caseSensitive));
  for (const [level, b] of levelBtns)
    b.setAttribute(
      'aria-pressed',
      String(!state.filter.levels.length || state.filter.levels.includes(level)),
    );
  layoutBtn.textContent = state.layout === 'merged' ? 'Side by side' : 'Merged';
  followBtn.setAttribute('aria-pressed', String(state.follow));
  filterInput.classList.toggle('invalid', !filter.ok);
  filterInput.title = filter.ok ? '' : filter.error;
  const sc = state.scope;
  const parts: string[] = [];
  if (sc.title) parts.push(sc.title);
  if (sc.from !== undefined || sc.to !== undefined)
    parts.push(
      `${sc.from !== undefined ? clock(sc.from) : '…'} – ${sc.to !== undefined ? clock(sc.to) : 'now'}`,
    );
  if (sc.sources?.length) parts.push(`sources: ${sc.sources.map(sourceLabel).join(', ')}`);
  scopeEl.textContent = parts.join(' · ');
  scopeEl.hidden = parts.length === 0;
  updateStatus();
}

function updateStatus(extra = ''): void {
  const shown = panes.reduce((n, p) => n + p.idx.length, 0);
  const base = filter.ok
    ? `${shown.toLocaleString()} of ${lines.text.length.toLocaleString()} lines`
    : filter.error;
  statusEl.textContent = extra ? `${base} · ${extra}` : base;
}

function applyFilter(f: ViewerFilter): void {
  state = { ...state, filter: f };
  filter = compileFilter(f);
  for (const p of panes) p.rebuild();
  for (const p of panes) p.layout(state.follow);
  syncToolbar();
  saveState();
}

let filterTimer: ReturnType<typeof setTimeout> | undefined;
filterInput.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => applyFilter({ ...state.filter, text: filterInput.value }), 150);
});
regexBtn.addEventListener('click', () => applyFilter({ ...state.filter, regex: !state.filter.regex }));
caseBtn.addEventListener('click', () =>
  applyFilter({ ...state.filter, caseSensitive: !state.filter.caseSensitive }),
);
layoutBtn.addEventListener('click', () => setLayout(state.layout === 'merged' ? 'sideBySide' : 'merged'));
followBtn.addEventListener('click', () => {
  state = { ...state, follow: !state.follow };
  if (state.follow) for (const p of panes) p.layout(true);
  syncToolbar();
  saveState();
});
document.getElementById('clear')!.addEventListener('click', () => {
  for (const col of [lines.seq, lines.time, lines.src, lines.level, lines.tag, lines.text] as unknown[][])
    col.length = 0;
  buildPanes();
  syncToolbar();
  host.postMessage({ type: 'clear' });
});
document.getElementById('save')!.addEventListener('click', () => host.postMessage({ type: 'save' }));
document.getElementById('copy')!.addEventListener('click', () => copy());
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'c' && !window.getSelection()?.toString()) copy();
});

function setLayout(layout: ViewerLayout): void {
  state = { ...state, layout };
  buildPanes();
  syncToolbar();
  saveState();
}

function copy(): void {
  let idx = panes.flatMap((p) => p.selection());
  if (!idx.length) idx = panes.flatMap((p) => p.idx);
  if (idx.length > COPY_LIMIT) idx = idx.slice(idx.length - COPY_LIMIT);
  idx.sort((a, b) => a - b);
  const text = idx
    .map(
      (i) =>
        `${clock(lines.time[i])} [${sourceLabel(lines.sources[lines.src[i]])}${lines.tag[i] ? ' ' + lines.tag[i] : ''}] ${stripAnsi(lines.text[i])}`,
    )
    .join('\n');
  host.postMessage({ type: 'copy', text, lines: idx.length });
}

// ---- messages from the host ----

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  switch (m.type) {
    case 'reset':
      state = m.state;
      filter = compileFilter(state.filter);
      for (const col of [lines.seq, lines.time, lines.src, lines.level, lines.tag, lines.text] as unknown[][])
        col.length = 0;
      lines.sources.length = 0;
      lines.sourceIndex.clear();
      buildPanes();
      syncToolbar();
      host.setState(state);
      return;
    case 'lines': {
      const bottom = wasAtBottom();
      const sourcesBefore = lines.sources.length;
      const start = addLines(m.lines);
      const dropped = trimLines();
      if (state.layout === 'sideBySide' && lines.sources.length !== sourcesBefore) {
        buildPanes();
      } else {
        for (const p of panes) {
          if (dropped) p.shift(dropped);
          p.append(start - dropped);
        }
        // Follow only while at the bottom: a reader scrolled up keeps their place.
        panes.forEach((p, k) => p.layout(state.follow && bottom[k]));
      }
      updateStatus(m.skipped ? `${m.skipped.toLocaleString()} lines skipped while the view caught up` : '');
      return;
    }
    case 'setFilter':
      applyFilter(m.filter);
      return;
    case 'setLayout':
      setLayout(m.layout);
      return;
    case 'notice':
      updateStatus(m.text);
      return;
    case 'report':
      for (const p of panes) p.render();
      host.postMessage({
        type: 'rendered',
        id: m.id,
        rows: panes.flatMap((p) => p.visibleRows()),
        imgCount: document.getElementsByTagName('img').length,
        totalLines: lines.text.length,
        shownLines: panes.reduce((n, p) => n + p.idx.length, 0),
        panes: panes.length,
        filterError: filter.ok ? null : filter.error,
        following: state.follow,
      });
      return;
  }
});

window.addEventListener('resize', () => panes.forEach((p) => p.layout(state.follow && p.atBottom)));

buildPanes();
syncToolbar();
host.postMessage({ type: 'ready' });
