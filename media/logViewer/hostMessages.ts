// What the host tells the page: start over, new lines, a filter or layout to apply, a notice, and
// "report what you rendered" (the extension-host tests read the rows back through it).
import type { HostMessage } from '../../src/logs/viewerProtocol';
import { compileFilter } from '../../src/core/logs/filter';
import { addLines, droppedBefore, lines, resetLines, trimLines } from './lines';
import { buildPanes, panes, shownLines } from './panes';
import { applyFilter, setLayout, syncToolbar, updateStatus } from './toolbar';
import { host, view } from './viewState';
import { frameReport } from './frameTimes';

/** Whether the scope's line to open at has been shown (once per reset: the person may scroll on). */
let revealed = false;

/** Opens at the scope's `revealSeq` (a failed CI step's first error) as soon as that line has arrived. */
function revealAsked(): void {
  const seq = view.state.scope.revealSeq;
  if (revealed || seq === undefined) return;
  for (const p of panes) if (p.reveal(seq)) revealed = true;
}

export function onHostMessage(m: HostMessage): void {
  switch (m.type) {
    case 'reset':
      view.state = m.state;
      view.filter = compileFilter(view.state.filter);
      resetLines();
      revealed = false;
      buildPanes();
      syncToolbar();
      host.setState(view.state);
      return;
    case 'lines': {
      const sourcesBefore = lines.sources.length;
      const start = addLines(m.lines, m.keepPerSource);
      const moved = trimLines();
      if (view.state.layout === 'sideBySide' && lines.sources.length !== sourcesBefore) {
        buildPanes();
      } else {
        // The batch's first line moved down by as many lines as were dropped before it.
        const from = moved ? start - droppedBefore(moved, start) : start;
        for (const p of panes) {
          if (moved) p.remap(moved);
          p.append(from);
        }
        // A following pane shows the new last line; a reader who scrolled up keeps their place.
        for (const p of panes) p.layout();
      }
      revealAsked();
      updateStatus(m.skipped ? `${m.skipped.toLocaleString()} lines skipped while the view caught up` : '');
      return;
    }
    case 'setFilter':
      applyFilter(m.filter);
      return;
    case 'setLayout':
      setLayout(m.layout);
      return;
    case 'scrollTo':
      for (const p of panes) p.scrollTo(m.where);
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
        domRows: document.querySelectorAll('.row').length,
        totalLines: lines.text.length,
        shownLines: shownLines(),
        panes: panes.length,
        filterError: view.filter.ok ? null : view.filter.error,
        following: view.state.follow,
        toolbarHeight: document.getElementById('toolbar')!.getBoundingClientRect().height,
        pageWidth: document.documentElement.clientWidth,
        frameTimes: frameReport(),
      });
      return;
  }
}
