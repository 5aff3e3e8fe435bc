// One pane of lines: a virtualized list that renders only the rows in view (a pool of row elements
// reused while scrolling), so a million lines scroll like a hundred.
import type { RenderedRow } from '../../src/logs/viewerProtocol';
import { sourceLabel } from '../../src/logs/sourceLabel';
import { clock, lines, remapPositions, type Moved } from './lines';
import { setAnsiText } from './ansiSpans';
import { heldOn, onPersonScrollUp } from './personScroll';
import { view } from './viewState';

/** Fixed row height: logViewer.css sets the same 18px, the scroll arithmetic depends on it. */
const ROW_H = 18;
/** Browsers cap an element's height; past this the scrollbar maps proportionally onto the rows. */
const MAX_SCROLL_PX = 8_000_000;

export class Pane {
  readonly el = document.createElement('div');
  /** The scrolling list (panes.ts watches its size). */
  readonly scroller = document.createElement('div');
  private readonly spacer = document.createElement('div');
  private readonly layer = document.createElement('div');
  private rows: HTMLDivElement[] = [];
  /** Line indexes shown in this pane, in order. */
  idx: number[] = [];
  private first = 0;
  private selA = -1;
  private selB = -1;
  private frame = 0;
  /**
   * Whether this pane stays on its last line while Follow is on. Only the person clears it, by scrolling
   * up; a layout change never does (the toolbar wrapping, a resize, the panel hidden and shown).
   */
  private pinned = true;
  private lastTop = 0;

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
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    onPersonScrollUp(this.scroller, () => {
      if (this.scroller.scrollHeight > this.scroller.clientHeight) this.pinned = false;
    });
    this.layer.addEventListener('click', (e) => this.onClick(e));
  }

  get atBottom(): boolean {
    const s = this.scroller;
    return s.scrollTop + s.clientHeight >= s.scrollHeight - ROW_H / 2;
  }

  /** Whether new lines and resizes keep the last line in view (not while the person drags the list). */
  get following(): boolean {
    return view.state.follow && this.pinned && !heldOn(this.scroller);
  }

  /** Follows again from the last line (the Follow button, a new filter, "scroll to the bottom"). */
  follow(): void {
    this.pinned = true;
    this.layout();
  }

  private onScroll(): void {
    const s = this.scroller;
    const up = s.scrollTop < this.lastTop;
    this.lastTop = s.scrollTop;
    if (this.atBottom) this.pinned = true;
    else if (heldOn(s)) {
      if (up) this.pinned = false; // the person drags the scrollbar (or a selection) upwards
    }
    // Not the person: the layout moved the list, so a following pane goes back to its last line.
    else if (this.following) s.scrollTop = s.scrollHeight;
    this.requestRender();
  }

  rebuild(): void {
    this.idx = [];
    this.selA = this.selB = -1;
    this.append(0);
  }

  /** Takes in lines from `start` on that belong here and pass the filter. */
  append(start: number): void {
    const filter = view.filter;
    if (!filter.ok) return;
    const src = lines.src;
    for (let i = start; i < lines.text.length; i++) {
      if (this.source >= 0 && src[i] !== this.source) continue;
      if (!filter.trivial && !filter.matches(lines.text[i], lines.level[i])) continue;
      this.idx.push(i);
    }
  }

  /**
   * The page dropped old lines (`movedTo` gives an old line's new index, -1 when gone): follow them, keeping the
   * selection and, for a reader scrolled up, the rows in view where they were.
   */
  remap(moved: Moved): void {
    const r = remapPositions(this.idx, moved, this.first, [this.selA, this.selB]);
    this.idx = r.idx;
    // No selection (-1) maps to -1; a selection loses both ends when either line went.
    const [selA, selB] = [r.newPos(this.selA), r.newPos(this.selB)];
    [this.selA, this.selB] = selA >= 0 && selB >= 0 ? [selA, selB] : [-1, -1];
    const exact = this.idx.length * ROW_H <= MAX_SCROLL_PX;
    if (r.goneAbove && exact && !this.following) this.scroller.scrollTop -= r.goneAbove * ROW_H;
  }

  /** Shows the first line (and stops following) or the last (and follows again). */
  scrollTo(where: 'top' | 'bottom'): void {
    if (where === 'bottom') return this.follow();
    this.pinned = false;
    this.scroller.scrollTop = 0;
    this.render();
  }

  /** Shows the line with this seq at the top (and stops following); false when this pane does not hold it. */
  reveal(seq: number): boolean {
    const pos = this.idx.findIndex((i) => lines.seq[i] === seq);
    if (pos < 0) return false;
    this.pinned = false;
    const s = this.scroller;
    const exact = this.idx.length * ROW_H <= MAX_SCROLL_PX;
    const full = Math.max(1, Math.floor(s.clientHeight / ROW_H));
    s.scrollTop = exact
      ? pos * ROW_H
      : (pos / Math.max(1, this.idx.length - full)) * Math.max(1, s.scrollHeight - s.clientHeight);
    this.render();
    return true;
  }

  private visibleCount(): number {
    return Math.max(1, Math.ceil(this.scroller.clientHeight / ROW_H) + 1);
  }

  /** Sizes the list to its lines and, while following, shows the last: after new lines and every resize. */
  layout(): void {
    const h = Math.min(this.idx.length * ROW_H, MAX_SCROLL_PX);
    this.spacer.style.height = `${h}px`;
    if (this.following) this.scroller.scrollTop = this.scroller.scrollHeight;
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

  /** The rows the person sees, at least in part (the pool holds one more than fits). */
  visibleRows(): RenderedRow[] {
    const out: RenderedRow[] = [];
    const s = this.scroller;
    const top = s.getBoundingClientRect().top + s.clientTop;
    const bottom = top + s.clientHeight;
    for (const row of this.rows) {
      if (row.hidden) continue;
      const box = row.getBoundingClientRect();
      if (box.bottom <= top || box.top >= bottom) continue;
      const i = this.idx[Number(row.dataset.pos)];
      out.push({
        whole: box.top >= top - 0.5 && box.bottom <= bottom + 0.5,
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
  setAnsiText(textEl, lines.text[i]);
}
