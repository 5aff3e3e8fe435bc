// The panes on the page: one merged pane, or one per source side by side.
import { lines } from './lines';
import { Pane } from './pane';
import { view } from './viewState';

const panesEl = document.getElementById('panes')!;
const toolbarEl = document.getElementById('toolbar')!;

/** The panes shown now; replaced in place by buildPanes so every module sees the current ones. */
export const panes: Pane[] = [];

/**
 * Every change to a list's size lays the panes out again, so a following pane keeps its last line in
 * view: the toolbar wrapping as the status grows, the editor resized, a side panel opened, the panel
 * hidden and shown. Window `resize` misses the toolbar's own wrapping. The border box: a scrollbar
 * appearing changes only the content box, and is no reason to lay out again.
 */
const resized = new ResizeObserver(() => panes.forEach((p) => p.layout()));

function watchSizes(): void {
  resized.disconnect();
  resized.observe(toolbarEl, { box: 'border-box' });
  for (const p of panes) resized.observe(p.scroller, { box: 'border-box' });
}

/** Builds the panes for the current layout and sources, filled from the page's lines. */
export function buildPanes(): void {
  panesEl.replaceChildren();
  panesEl.className = view.state.layout;
  panes.length = 0;
  if (view.state.layout === 'merged' || lines.sources.length === 0) panes.push(new Pane(-1));
  else panes.push(...lines.sources.map((_s, i) => new Pane(i)));
  for (const p of panes) {
    panesEl.appendChild(p.el);
    p.rebuild();
  }
  for (const p of panes) p.layout();
  watchSizes();
}

/** Lines shown across the panes (after the filter). */
export function shownLines(): number {
  return panes.reduce((n, p) => n + p.idx.length, 0);
}
