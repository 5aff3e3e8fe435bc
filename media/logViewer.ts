// The log viewer's page (bundled by esbuild.mjs from this entry). Lines live in columns; each pane
// renders only the rows in view, so a million lines scroll like a hundred. Log text reaches the DOM
// only through textContent (ANSI colours become class names on spans), never as markup.
//   logViewer/viewState.ts   the host API and the state kept across reloads
//   logViewer/lines.ts       the page's lines, in columns, bounded
//   logViewer/pane.ts        one virtualized list of rows; logViewer/ansiSpans.ts its coloured text
//   logViewer/panes.ts       merged or side by side, laid out again on every resize
//   logViewer/personScroll.ts who moved a list: only the person stops it following
//   logViewer/toolbar.ts     filter, levels, layout, follow, copy, save, clear, status
//   logViewer/hostMessages.ts what the host sends
import type { HostMessage } from '../src/logs/viewerProtocol';
import { measured } from './logViewer/frameTimes';
import { onHostMessage } from './logViewer/hostMessages';
import { buildPanes } from './logViewer/panes';
import { syncToolbar, wireToolbar } from './logViewer/toolbar';
import { host } from './logViewer/viewState';

wireToolbar();
window.addEventListener(
  'message',
  measured((e: MessageEvent<HostMessage>) => onHostMessage(e.data)),
);

buildPanes();
syncToolbar();
host.postMessage({ type: 'ready' });
