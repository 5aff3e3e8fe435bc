import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './helpers';

/**
 * Saves a screenshot of the live workbench into the run's artifacts folder: the host runner (run.mjs)
 * watches the request file and takes it from the Chromium page. Resolves when the picture exists.
 * Under the desktop runner (no page to shoot) it resolves at once with undefined.
 */
export async function screenshot(name: string, timeoutMs = 15_000): Promise<string | undefined> {
  const dir = process.env.CIT_ARTIFACTS;
  if (!dir || process.env.HOST_SUITE_NAME === 'desktop') return undefined;
  const safe = name.replace(/[^\w.-]/g, '_');
  const file = join(dir, `${safe}.png`);
  appendFileSync(join(dir, 'screenshot-requests'), `${safe}\n`);
  await waitFor(`screenshot ${safe}`, () => existsSync(file), timeoutMs);
  return file;
}
