// Messages between the log viewer's host (logViewerPanel.ts) and its webview (media/logViewer.ts).
// The page imports the types only; the host checks every message from the page with `parseWebviewMessage`
// (a page is a web context: what it sends is data, never trusted). Lines travel in columns, so a batch of
// 20,000 is one message of arrays.
import { LOG_LEVELS, type LogLevel } from '../core/logs/filter';

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
  /** The line the view opens at (a failed CI step's first error), instead of the last. */
  revealSeq?: number;
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
  /** When this state was last changed (ms since the epoch): of two copies after a reload, the newer wins. */
  savedAt?: number;
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
  /** Wholly inside its pane's view; false when cut by the view's edge. */
  whole: boolean;
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
      /** The Follow button is on. */
      following: boolean;
      /** Height of the toolbar in CSS px: it wraps to more rows as the editor narrows or the status grows. */
      toolbarHeight: number;
      /** Width of the page in CSS px (the editor group's width). */
      pageWidth: number;
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

// ---- Guards on what the page sends ------------------------------------------------------------------

/** Bounds on one message from the page: far above what it sends, far below what could hurt the host. */
const MAX_TEXT = 64 * 1024 * 1024;
const MAX_SHORT = 64 * 1024;
const MAX_ITEMS = 100_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = MAX_SHORT): v is string => typeof v === 'string' && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => isNum(v) && Number.isInteger(v) && v >= 0;
const isOptional = <T>(v: unknown, guard: (x: unknown) => x is T): v is T | undefined =>
  v === undefined || guard(v);
const isArrayOf = <T>(v: unknown, guard: (x: unknown) => x is T): v is T[] =>
  Array.isArray(v) && v.length <= MAX_ITEMS && v.every((x) => guard(x));
const isLevel = (v: unknown): v is LogLevel =>
  typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v);
const isShortStr = (v: unknown): v is string => isStr(v);

function isFilter(v: unknown): v is ViewerFilter {
  return (
    isObj(v) &&
    isStr(v.text) &&
    typeof v.regex === 'boolean' &&
    typeof v.caseSensitive === 'boolean' &&
    isArrayOf(v.levels, isLevel)
  );
}

function isScope(v: unknown): v is ViewerScope {
  return (
    isObj(v) &&
    isOptional(v.from, isNum) &&
    isOptional(v.to, isNum) &&
    isOptional(v.sources, (x): x is string[] => isArrayOf(x, isShortStr)) &&
    isOptional(v.title, isShortStr) &&
    isOptional(v.afterSeq, isNum) &&
    isOptional(v.revealSeq, isNum)
  );
}

function isFollow(v: unknown): v is FollowTarget {
  if (!isObj(v) || !isStr(v.namespace) || v.namespace === '') return false;
  if (v.kind === 'pod') return isStr(v.pod) && v.pod !== '' && isStr(v.container) && v.container !== '';
  return v.kind === 'selector' && isStr(v.selector) && v.selector !== '';
}

/** The page's whole state, checked field by field; undefined when anything is malformed. */
export function parseViewerState(v: unknown): ViewerState | undefined {
  if (
    !isObj(v) ||
    !isScope(v.scope) ||
    !isFilter(v.filter) ||
    (v.layout !== 'merged' && v.layout !== 'sideBySide') ||
    typeof v.follow !== 'boolean' ||
    !isOptional(v.follows, (x): x is FollowTarget[] => isArrayOf(x, isFollow))
  )
    return undefined;
  return {
    scope: v.scope,
    filter: v.filter,
    layout: v.layout,
    follow: v.follow,
    follows: (v.follows as FollowTarget[] | undefined) ?? [],
  };
}

function isRow(v: unknown): v is RenderedRow {
  return (
    isObj(v) &&
    isStr(v.source) &&
    (v.tag === null || isStr(v.tag)) &&
    isStr(v.time) &&
    isLevel(v.level) &&
    isStr(v.text, MAX_TEXT)
  );
}

/** A message from the page when it is one the host knows and every field has its type; else undefined. */
export function parseWebviewMessage(m: unknown): WebviewMessage | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'ready':
    case 'save':
    case 'clear':
      return { type: m.type };
    case 'state': {
      const state = parseViewerState(m.state);
      return state && { type: 'state', state };
    }
    case 'copy':
      return isStr(m.text, MAX_TEXT) && isCount(m.lines)
        ? { type: 'copy', text: m.text, lines: m.lines }
        : undefined;
    case 'rendered':
      return isCount(m.id) &&
        isArrayOf(m.rows, isRow) &&
        isCount(m.imgCount) &&
        isCount(m.domRows) &&
        isCount(m.totalLines) &&
        isCount(m.shownLines) &&
        isCount(m.panes) &&
        (m.filterError === null || isStr(m.filterError)) &&
        typeof m.following === 'boolean'
        ? (m as WebviewMessage)
        : undefined;
    default:
      return undefined;
  }
}
