// How the stand-in answers: JSON bodies and the API server's `Status` objects for failures.
import type * as http from 'node:http';

/** Open streaming responses by kind, so a test can cut log follows, watches, or both. */
export type StreamingConnections = Map<http.ServerResponse, 'log' | 'watch'>;

export function json(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function statusJson(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export function sendStatus(res: http.ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, statusJson(code, reason, message));
}
