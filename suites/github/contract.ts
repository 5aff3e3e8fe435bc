// The stand-in GitHub behind Prism (proxy mode, GitHub's own OpenAPI description, --errors), with a
// small recorder in front that keeps every contract violation Prism reports, so tests fail on them.
//   extension --> recorder --> Prism (validates both ways) --> stand-in
// Prism takes a while to load the description: it is started once per suite run and shared.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ChildProcess } from '../../src/core/process/childProcess';
import { GitHubStandIn, type StandInOptions } from './standIn';
import { openApiPath, repoRoot } from './openapi';
import { freePort } from '../unit/support';

export interface Violation {
  method: string;
  path: string;
  status: number;
  severity: string;
  message: string;
}

interface Parts {
  prism: ChildProcess;
  recorder: Server;
  relay: Server;
  /** Where the extension sends its requests (the recorder in front of Prism). */
  url: string;
  /** Points the relay behind Prism at another stand-in. */
  retarget(url: string): void;
  standIn: GitHubStandIn;
  /** Filled by the recorder as answers pass through it. */
  violations: Violation[];
  prismLog: string[];
}

export class ContractGitHub {
  standIn: GitHubStandIn;
  readonly url: string;

  private constructor(private readonly parts: Parts) {
    this.standIn = parts.standIn;
    this.url = parts.url;
  }

  /** Starts Prism once (30-45 s on a slow machine), in front of a forwarding point whose stand-in can be swapped per test. */
  static async start(options: StandInOptions): Promise<ContractGitHub> {
    const standIn = new GitHubStandIn(options);
    await standIn.listen();
    // Prism forwards to a fixed upstream, so a tiny relay lets each test bring a fresh stand-in.
    let target = standIn.url;
    // Prism's proxy follows redirects itself (node-fetch), so a 302 (an artifact's download) would reach the
    // extension as the storage host's answer. The relay hides the Location from Prism; the recorder restores it.
    const relay = createServer((req, res) => pipe(target, req, res, undefined, hideLocation));
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    const port = await freePort();
    const log: string[] = [];
    let onListening: () => void = () => {};
    const listening = new Promise<void>((r) => (onListening = r));
    const prism = new ChildProcess({
      command: process.execPath,
      args: [
        join(repoRoot(), 'node_modules/@stoplight/prism-cli/dist/index.js'),
        'proxy',
        openApiPath(),
        relayUrl,
        '--errors',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--multiprocess=false',
      ],
      cwd: repoRoot(),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_ENV: 'test', FORCE_COLOR: '0', NO_COLOR: '1' },
      name: 'prism',
      onLine: (line) => {
        log.push(line);
        if (log.length > 400) log.shift();
        if (line.includes('Prism is listening')) onListening();
      },
    });
    const ended = prism.stopped.then((exit) => {
      throw new Error(
        `Prism ended before listening (${JSON.stringify(exit)}):\n${log.slice(-20).join('\n')}`,
      );
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Prism did not listen within 150 s:\n${log.slice(-20).join('\n')}`)),
        150_000,
      );
    });
    try {
      await Promise.race([listening, ended, timeout]);
      clearTimeout(timer);
    } catch (e) {
      clearTimeout(timer);
      await prism.stop();
      relay.close();
      await standIn.close();
      throw e;
    }
    ended.catch(() => {});
    const prismUrl = `http://127.0.0.1:${port}`;
    const violations: Violation[] = [];
    const recorder = createServer((req, res) =>
      pipe(
        prismUrl,
        req,
        res,
        (status, headers, body) => {
          const found = parseViolations(headers['sl-violations'], headers['content-type'], status, body);
          for (const v of found)
            violations.push({ method: req.method ?? '', path: req.url ?? '', status, ...v });
        },
        restoreLocation,
      ),
    );
    await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    const retarget = (u: string) => (target = u);
    return new ContractGitHub({ prism, recorder, relay, url, retarget, standIn, violations, prismLog: log });
  }

  /** A fresh stand-in for the next test (Prism keeps running). */
  async reset(options: StandInOptions): Promise<GitHubStandIn> {
    await this.standIn.close();
    this.standIn = new GitHubStandIn(options);
    this.parts.retarget(await this.standIn.listen());
    this.parts.violations.length = 0;
    return this.standIn;
  }

  /**
   * Violations since the last call. GitHub's description leaves out error statuses GitHub really
   * sends (304 on a conditional GET, 401, 403, 404, 422, 5xx on most operations): Prism reports
   * those as "Unable to match the returned status code" warnings. They are allowed only for
   * non-2xx statuses the test cued; everything else fails.
   */
  takeViolations(): Violation[] {
    const v = this.parts.violations.filter(
      (x) =>
        !(
          x.severity === 'Warning' &&
          x.status >= 300 &&
          /Unable to match the returned status code/.test(x.message)
        ),
    );
    this.parts.violations.length = 0;
    return v;
  }

  pid(): number | undefined {
    return this.parts.prism.pid;
  }

  async stop(): Promise<void> {
    const { prism, recorder, relay } = this.parts;
    await prism.stop();
    for (const server of [recorder, relay]) {
      server.closeAllConnections();
      server.close();
    }
    await this.standIn.close();
  }
}

function parseViolations(
  header: string | string[] | undefined,
  contentType: string | string[] | undefined,
  status: number,
  body: string,
): { severity: string; message: string }[] {
  const out: { severity: string; message: string }[] = [];
  const value = Array.isArray(header) ? header.join('') : header;
  if (value) {
    try {
      for (const v of JSON.parse(value.replace(/^Too many violations! /, '')) as {
        severity: string;
        message: string;
        location?: string[];
      }[]) {
        out.push({ severity: v.severity, message: `${(v.location ?? []).join('.')} ${v.message}` });
      }
    } catch {
      out.push({ severity: 'Error', message: value.slice(0, 500) });
    }
  }
  // Prism's own answers to a request it refused (--errors): problem+json from Prism, not GitHub.
  if (String(contentType ?? '').includes('application/problem+json') && out.length === 0)
    out.push({ severity: 'Error', message: `Prism answered ${status}: ${body.slice(0, 1000)}` });
  return out;
}

type Headers = import('node:http').IncomingHttpHeaders;
const HIDDEN_LOCATION = 'x-stand-in-location';

function hideLocation(headers: Headers): Headers {
  const { location, ...rest } = headers;
  return location === undefined ? headers : { ...rest, [HIDDEN_LOCATION]: location };
}

function restoreLocation(headers: Headers): Headers {
  const { [HIDDEN_LOCATION]: location, ...rest } = headers;
  return location === undefined ? headers : { ...rest, location: location as string };
}

function pipe(
  target: string,
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
  inspect?: (status: number, headers: import('node:http').IncomingHttpHeaders, body: string) => void,
  rewrite: (headers: Headers) => Headers = (h) => h,
): void {
  const url = new URL(req.url ?? '/', target);
  const upstream = httpRequest(
    url,
    { method: req.method, headers: { ...req.headers, host: url.host } },
    (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        inspect?.(up.statusCode ?? 0, up.headers, body.toString('utf8'));
        res.writeHead(up.statusCode ?? 502, rewrite(up.headers));
        res.end(body);
      });
    },
  );
  upstream.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`relay: ${e.message}`);
  });
  req.pipe(upstream);
}
