// Messages between the log viewer's host (logViewerPanel.ts) and its webview (media/logViewer.ts).
// Type-only on both sides; lines travel in columns, so a batch of 20,000 is one message of arrays.
import type { LogLevel } from '../core/logs/filter';

export interface ViewerFilter {
  text: string;
  regex: boolean;
  caseSensitive: boolean;
  /** Levels shown; empty: all. */
  levels: LogLevel[];
}

/** Which lines the viewer shows: a time window (a test's), some sources, and where "clear" cut. */
export interface ViewerScope {
  from?: number;
  to?: number;
  sources?: string[];
  title?: string;
  /** Lines up to this seq were cleared from the view. */
  afterSeq?: number;
}

export type ViewerLayout = 'merged' | 'sideBySide';

/** A pod container or a label selector whose logs feed the viewer; followed again after a reload. */
export type FollowTarget =
  | { kind: 'pod'; namespace: string; pod: string; container: string }
  | { kind: 'selector'; namespace: string; selector: string };

/** Everything the panel needs to come back the same after a reload (kept by the serializer). */
export interface ViewerState {
  scope: ViewerScope;
  filter: ViewerFilter;
  layout: ViewerLayout;
  follow: boolean;
  /** What the window followed when the panel was last shown: the serializer follows it again. */
  follows: FollowTarget[];
}

export interface WireLines {
  seq: number[];
  time: number[];
  /** Index into `sources`. */
  src: number[];
  sources: string[];
  level: LogLevel[];
  tag: (string | null)[];
  text: string[];
}

export type HostMessage =
  | { type: 'reset'; state: ViewerState }
  | {
      type: 'lines';
      lines: WireLines;
      /** Lines the host skipped because the view fell behind. */ skipped?: number;
      /** The store's bound per source (codespaceTests.logs.maxLinesPerSource): the page keeps no more. */
      keepPerSource: number;
    }
  | { type: 'setFilter'; filter: ViewerFilter }
  | { type: 'setLayout'; layout: ViewerLayout }
  | { type: 'report'; id: number }
  /** Scrolls every pane to its first or last line (the tests move the virtual list through it). */
  | { type: 'scrollTo'; where: 'top' | 'bottom' }
  | { type: 'notice'; text: string };

export interface RenderedRow {
  source: string;
  tag: string | null;
  time: string;
  level: LogLevel;
  /** The row's text as the page shows it (textContent of the text cell). */
  text: string;
}

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'state'; state: ViewerState }
  | { type: 'copy'; text: string; lines: number }
  | { type: 'save' }
  | { type: 'clear' }
  | {
      type: 'rendered';
      id: number;
      rows: RenderedRow[];
      /** <img> elements anywhere in the document: a log line must never create one. */
      imgCount: number;
      /** Row elements in the document: the virtual list's pool, bounded by the view's height. */
      domRows: number;
      totalLines: number;
      shownLines: number;
      panes: number;
      filterError: string | null;
      following: boolean;
      /** The page's script work per animation frame (media/logViewer/frameTimes.ts). */
      frameTimes?: FrameReport;
    };

export interface FrameReport {
  /** Frames with any work, of the last 2,000. */
  frames: number;
  p95Ms: number;
  maxMs: number;
}

export const VIEW_TYPE = 'codespaceTests.logViewer';
