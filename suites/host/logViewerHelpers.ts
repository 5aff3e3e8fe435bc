import type { ExtensionApi } from '../../src/extension';
import type { RenderedReport } from '../../src/logs/logViewerPanel';
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
      ? `${JSON.stringify(counts)}; rows ${rows[0]?.text} … ${rows.at(-1)?.text}`
      : JSON.stringify(last, null, 1)?.slice(0, 3000);
    throw new Error(`${(e as Error).message}\nlast report: ${detail}`, { cause: e });
  }
}
