import type { ExtensionApi } from '../../src/extension';
import type { RenderedReport } from '../../src/logs/logViewerPanel';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

/**
 * Asks the webview what it rendered until `until` holds. On timeout the error carries the last report
 * (in full, or only its counts and first/last rows when `brief`, for reports of many rows).
 */
export async function renderedReport(
  api: ExtensionApi,
  until: (r: RenderedReport) => boolean,
  what: string,
  { timeoutMs = 20_000, brief = false }: { timeoutMs?: number; brief?: boolean } = {},
): Promise<RenderedReport> {
  let last: RenderedReport | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        last = await api.logs.rendered();
        return until(last) ? last : undefined;
      },
      timeoutMs,
      200,
    );
  } catch (e) {
    const { rows, ...counts } = last ?? { rows: [] };
    const detail = brief
      ? `${JSON.stringify(counts)}; rows ${rows[0]?.text} … ${rows.at(-1)?.text} (whole: ${rows.at(-1)?.whole})`
      : JSON.stringify(last, null, 1)?.slice(0, 3000);
    throw new Error(`${(e as Error).message}\nlast report: ${detail}`, { cause: e });
  }
}

/** Whether the pane of `source` ends with `text`, wholly in view (not cut by the pane's bottom edge). */
export function endsWith(r: RenderedReport, source: string, text: string): boolean {
  const last = r.rows.filter((row) => row.source === source).at(-1);
  return last?.text === text && last.whole;
}

/**
 * Lays the editor out as two groups side by side, the viewer's group (the first) `share` of the width, and
 * waits until the page has that width (`fullWidth`: the page's width in one group filling the editor).
 */
export async function setViewerShare(
  api: ExtensionApi,
  share: number,
  fullWidth: number,
): Promise<RenderedReport> {
  await vscode.commands.executeCommand('vscode.setEditorLayout', {
    orientation: 0,
    groups: [{ size: share }, { size: 1 - share }],
  });
  const want = share * fullWidth;
  return renderedReport(
    api,
    (r) => Math.abs(r.pageWidth - want) <= fullWidth * 0.02,
    `the viewer ${Math.round(want)} px wide`,
    { brief: true },
  );
}

/**
 * The page's width once it holds still (two reports in a row agree), after a change to the workbench's
 * layout that the test cannot predict in pixels (a side bar closed).
 */
export async function settledWidth(api: ExtensionApi): Promise<RenderedReport> {
  let before = -1;
  return renderedReport(
    api,
    (r) => {
      const same = r.pageWidth === before;
      before = r.pageWidth;
      return same;
    },
    'the page width to settle',
    { brief: true },
  );
}

/**
 * The narrowest share of the editor at which the page's toolbar still fits in `oneRow` px (one row), to
 * within a few pixels: a little more text in the toolbar wraps it. Starts from a share where it wraps.
 */
export async function narrowestOneRowShare(
  api: ExtensionApi,
  fullWidth: number,
  oneRow: number,
  [wraps, fits]: [number, number],
): Promise<number> {
  while ((fits - wraps) * fullWidth > 6) {
    const mid = (wraps + fits) / 2;
    const r = await setViewerShare(api, mid, fullWidth);
    if (r.toolbarHeight <= oneRow) fits = mid;
    else wraps = mid;
  }
  return fits;
}
