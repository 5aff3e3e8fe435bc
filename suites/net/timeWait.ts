import * as assert from 'node:assert';
import { createConnection, createServer } from 'node:net';
import { lingeringSockets } from '../../src/core/django/portOwner';

/**
 * What a server that closed its connections first leaves behind (the session's runserver answering a
 * `Connection: close` health poll, a port-forwarding probe): a connection in TIME_WAIT on the port itself,
 * for a minute. Made on purpose, since which side of Django's own connections closes first is a race.
 */
export async function leaveTimeWait(port: number): Promise<void> {
  const server = createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await new Promise<void>((resolve, reject) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('error', reject);
    c.on('data', () => undefined);
    c.once('end', () => c.end());
    c.once('close', () => resolve());
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok((await lingeringSockets(port)) > 0, 'no connection in TIME_WAIT on the port');
}
