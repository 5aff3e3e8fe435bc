import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitFor } from './helpers';

/**
 * The file where a runner that can see the workbench takes screenshot requests (run.mjs sets it; it
 * shoots the Chromium page). Undefined under runners without a page to shoot, such as the desktop one.
 */
export function screenshotChannel(): string | undefined {
  return process.env.CIT_SCREENSHOT_REQUESTS || undefined;
}

/**
 * Saves a screenshot of the live workbench next to the request file, once `visible` (a CSS selector of
 * the workbench page) shows when given. Resolves with the picture's path when it exists; with undefined
 * when this runner has no screenshot channel.
 */
export async function screenshot(
  name: string,
  timeoutMs = 15_000,
  visible?: string,
): Promise<string | undefined> {
  const requests = screenshotChannel();
  if (!requests) return undefined;
  const safe = name.replace(/[^\w.-]/g, '_');
  const file = join(dirname(requests), `${safe}.png`);
  appendFileSync(requests, visible ? `${safe}\t${visible}\n` : `${safe}\n`);
  await waitFor(`screenshot ${safe}`, () => existsSync(file), timeoutMs);
  return file;
}
