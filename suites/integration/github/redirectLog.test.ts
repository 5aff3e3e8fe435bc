import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitHubClient } from '../../../src/core/github/client';
import { redactUrl } from '../../../src/core/github/errors';
import type { Logger } from '../../../src/core/logger';

const TOKEN = 'ghp_redirectToken1234567890';

describe('GitHub client logs: a redirect target is logged without its secrets', () => {
  let server: Server;
  let base: string;
  before(async () => {
    // A renamed repository, answered as GitHub does, with a target that carries a signed query.
    server = createServer((req, res) => {
      if (req.url?.startsWith('/repos/acme/backend')) {
        res.writeHead(301, {
          location: `/repositories/42?sig=s3cr3t-signature&token=${TOKEN}&other=hunter2`,
        });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ default_branch: 'main', html_url: 'https://github.com/acme/backend' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('at every level, the query values are *** and the token never appears', async () => {
    const lines: string[] = [];
    const keep = (m: string) => void lines.push(m);
    const logger: Logger = { trace: keep, debug: keep, info: keep, warn: keep, error: keep };
    const client = new GitHubClient({ baseUrl: base, token: TOKEN, owner: 'acme', repo: 'backend', logger });
    assert.equal((await client.getRepository()).defaultBranch, 'main');
    const all = lines.join('\n');
    assert.match(all, /following to \/repositories\/42\?sig=\*\*\*&token=\*\*\*&other=\*\*\*/);
    for (const secret of ['s3cr3t-signature', TOKEN, 'hunter2']) assert.ok(!all.includes(secret), all);
  });

  it('redactUrl hides query values and credentials, and keeps the rest', () => {
    assert.equal(
      redactUrl('https://user:pw@example.com/a/b?x=1&y=&z#frag'),
      'https://***@example.com/a/b?x=***&y=***&z#frag',
    );
    assert.equal(redactUrl('/repos/acme/backend/actions/runs'), '/repos/acme/backend/actions/runs');
  });
});
