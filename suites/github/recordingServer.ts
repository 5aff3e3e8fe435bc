// A loopback HTTP server that records every request it gets (method, path, headers) and answers as
// told: the "somewhere else" of the token tests (a host that is not GitHub, a redirect's target).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export class RecordingServer {
  readonly requests: SeenRequest[] = [];
  url = '';

  private constructor(
    private readonly server: Server,
    private readonly respond: (req: SeenRequest, res: ServerResponse) => void,
  ) {}

  /** Listens on 127.0.0.1; `respond` answers each request (default: 404 with a GitHub-like body). */
  static async start(
    respond: (req: SeenRequest, res: ServerResponse) => void = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found' }));
    },
  ): Promise<RecordingServer> {
    const server = createServer((req, res) => {
      const seen = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
      self.requests.push(seen);
      req.resume();
      req.on('end', () => self.respond(seen, res));
    });
    const self = new RecordingServer(server, respond);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return self;
  }

  /** Requests that carried an Authorization header (or any header holding `secret`). */
  withCredentials(secret?: string): SeenRequest[] {
    return this.requests.filter(
      (r) => r.headers.authorization !== undefined || (secret && JSON.stringify(r.headers).includes(secret)),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
