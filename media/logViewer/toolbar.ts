// The toolbar: the filter box and its toggles, the level buttons, layout, follow, copy, save, clear,
// and the status line.
import type { ViewerFilter, ViewerLayout } from '../../src/logs/viewerProtocol';
import { compileFilter, LOG_LEVELS, type LogLevel } from '../../src/core/logs/filter';
import { stripAnsi } from '../../src/core/logs/ansi';
import { sourceLabel } from '../../src/logs/sourceLabel';
import { clearLines, clock, lines } from './lines';
import { buildPanes, panes, shownLines } from './panes';
import { host, saveState, view } from './viewState';

/** Most lines one copy takes (the newest); the clipboard is not a log file, Save is. */
const COPY_LIMIT = 200_000;

const filterInput = document.getElementById('filter') as HTMLInputElement;
const regexBtn = document.getElementById('regex') as HTMLButtonElement;
const caseBtn = document.getElementById('case') as HTMLButtonElement;
const levelsEl = document.getElementById('levels')!;
const layoutBtn = document.getElementById('layout') as HTMLButtonElement;
const followBtn = document.getElementById('follow') as HTMLButtonElement;
const statusEl = document.getElementById('status')!;
const scopeEl = document.getElementById('scope')!;
const levelBtns = new Map<LogLevel, HTMLButtonElement>();

/** Adds the level buttons and hooks up every control (once, as the page loads). */
export function wireToolbar(): void {
  for (const level of LOG_LEVELS) {
    const b = document.createElement('button');
    b.className = `toggle level lvl-${level}`;
    b.textContent = level === 'unknown' ? 'other' : level;
    b.title = `Show ${b.textContent} lines`;
    b.addEventListener('click', () => {
      const f = view.state.filter;
      const all = f.levels.length ? new Set(f.levels) : new Set(LOG_LEVELS);
      if (all.has(level)) all.delete(level);
      else all.add(level);
      applyFilter({ ...f, levels: all.size === LOG_LEVELS.length ? [] : [...all] });
    });
    levelBtns.set(level, b);
    levelsEl.appendChild(b);
  }

  let filterTimer: ReturnType<typeof setTimeout> | undefined;
  filterInput.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => applyFilter({ ...view.state.filter, text: filterInput.value }), 150);
  });
  regexBtn.addEventListener('click', () =>
    applyFilter({ ...view.state.filter, regex: !view.state.filter.regex }),
  );
  caseBtn.addEventListener('click', () =>
    applyFilter({ ...view.state.filter, caseSensitive: !view.state.filter.caseSensitive }),
  );
  layoutBtn.addEventListener('click', () =>
    setLayout(view.state.layout === 'merged' ? 'sideBySide' : 'merged'),
  );
  followBtn.addEventListener('click', () => {
    view.state = { ...view.state, follow: !view.state.follow };
    if (view.state.follow) for (const p of panes) p.follow();
    syncToolbar();
    saveState();
  });
  document.getElementById('clear')!.addEventListener('click', () => {
    clearLines();
    buildPanes();
    syncToolbar();
    host.postMessage({ type: 'clear' });
  });
  document.getElementById('save')!.addEventListener('click', () => host.postMessage({ type: 'save' }));
  document.getElementById('copy')!.addEventListener('click', () => copy());
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'c' && !window.getSelection()?.toString()) copy();
  });
}

/** Makes the controls, the scope line and the status show the current state. */
export function syncToolbar(): void {
  const { state, filter } = view;
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

/** "N of M lines", or the filter's error, with an optional note after it. */
export function updateStatus(extra = ''): void {
  const filter = view.filter;
  const base = filter.ok
    ? `${shownLines().toLocaleString()} of ${lines.text.length.toLocaleString()} lines`
    : filter.error;
  statusEl.textContent = extra ? `${base} · ${extra}` : base;
}

export function applyFilter(f: ViewerFilter): void {
  view.state = { ...view.state, filter: f };
  view.filter = compileFilter(f);
  for (const p of panes) p.rebuild();
  for (const p of panes) p.follow();
  syncToolbar();
  saveState();
}

export function setLayout(layout: ViewerLayout): void {
  view.state = { ...view.state, layout };
  buildPanes();
  syncToolbar();
  saveState();
}

/** Copies the selected lines, or all shown, as text (colours stripped) through the host's clipboard. */
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
