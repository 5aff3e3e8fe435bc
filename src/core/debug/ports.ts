import { createServer } from 'node:net';

/** True when `host:port` can be bound right now (nothing listens there and we are allowed to). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the system hands out as free on `host` (bind port 0, read it, release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}

/**
 * The port a debugger should listen on: `preferred` when it is free, else another free one, so a
 * second debugged server (or a stale one) never makes "Debug Django Server" fail. `taken` lists ports
 * reserved by this extension that are not bound yet (the Django port itself).
 */
export async function pickListenPort(
  host: string,
  preferred: number,
  taken: readonly number[] = [],
): Promise<{ port: number; preferredWasTaken: boolean }> {
  if (!taken.includes(preferred) && (await isPortFree(host, preferred)))
    return { port: preferred, preferredWasTaken: false };
  for (let i = 0; i < 5; i++) {
    const port = await freePort(host);
    if (!taken.includes(port)) return { port, preferredWasTaken: true };
  }
  throw new Error(`Could not find a free port on ${host} for the debugger.`);
}
