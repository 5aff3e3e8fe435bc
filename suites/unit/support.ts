import { waitFor } from '../waitFor';
import { createServer, type AddressInfo } from 'node:net';

/** Small helpers shared by every suite (unit, host, bench, stand-ins). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `waitFor` (suites/waitFor.ts) for a condition: a check that throws fails the wait at once. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  everyMs = 25,
): Promise<void> {
  let failed: unknown;
  await waitFor(
    'the condition',
    async () => {
      try {
        return await check();
      } catch (e) {
        failed = e;
        return true;
      }
    },
    timeoutMs,
    everyMs,
  );
  if (failed) throw failed;
}

/** A TCP port nothing listens on right now (bound to 0 on loopback, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
