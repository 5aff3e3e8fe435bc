import * as assert from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import { probeHealth } from '../../../src/core/django/health';

/** A loopback TCP server that answers each connection with `reply`; resolves with its port. */
async function serving(reply: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    socket.once('data', () => reply(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

describe('The health probe: one GET over its own socket, whatever answers', function () {
  this.timeout(20_000);
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  async function probe(reply: (socket: Socket) => void, timeoutMs?: number) {
    const { port, server } = await serving(reply);
    servers.push(server);
    return probeHealth(`http://127.0.0.1:${port}/health/`, timeoutMs);
  }

  it('an answer in pieces: read to its announced end, then our side closes first', async () => {
    let bodySent = false;
    let clientClosed: Promise<boolean> = Promise.resolve(false);
    const answer = await probe((s) => {
      // The server never closes: the probe must, and only once the whole body is in.
      clientClosed = new Promise((r) => s.once('end', () => r(bodySent)));
      s.write('HTTP/1.1 200 OK\r\nServer: WSGIServer/0.2 CPython/3.11\r\nContent-Le');
      setTimeout(() => s.write('ngth: 16\r\n\r\n{"status":'), 50);
      setTimeout(() => {
        bodySent = true;
        s.write(' "ok"}');
      }, 100);
    });
    assert.deepStrictEqual(answer, { kind: 'answered', status: 200, server: 'WSGIServer/0.2 CPython/3.11' });
    assert.strictEqual(await clientClosed, true, 'the probe closed its side after the whole body');
  });

  it('an answer without a length, closed by the server (HTTP/1.0): answered, any status', async () => {
    const answer = await probe((s) => s.end('HTTP/1.0 404 Not Found\r\n\r\nnot here'));
    assert.deepStrictEqual(answer, { kind: 'answered', status: 404, server: undefined });
  });

  it('not HTTP: no answer, and says so', async () => {
    const answer = await probe((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    assert.strictEqual(answer.kind, 'noAnswer');
    assert.match(answer.kind === 'noAnswer' ? answer.error : '', /did not answer with HTTP/);
  });

  it('a server that accepts and never answers: no answer when the time is up, not later', async () => {
    const started = Date.now();
    const answer = await probe(() => {}, 300);
    assert.strictEqual(answer.kind, 'noAnswer');
    assert.match(answer.kind === 'noAnswer' ? answer.error : '', /^ETIMEDOUT/);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('a closed port, a URL that is not one, another scheme: no answer with the reason', async () => {
    const { port, server } = await serving(() => {});
    await new Promise((r) => server.close(r));
    const refused = await probeHealth(`http://127.0.0.1:${port}/health/`);
    assert.match(refused.kind === 'noAnswer' ? refused.error : '', /^ECONNREFUSED/);
    assert.deepStrictEqual(await probeHealth('not a url'), {
      kind: 'noAnswer',
      error: 'not a url is not a URL',
    });
    const https = await probeHealth('https://127.0.0.1:1/health/');
    assert.match(https.kind === 'noAnswer' ? https.error : '', /only http:\/\//);
  });
});
