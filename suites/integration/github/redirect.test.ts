// The token never follows a redirect to another origin: two loopback servers on two ports, the
// first redirecting to the second, which must see no request carrying the token.
import * as assert from 'node:assert/strict';
import { GitHubClient } from '../../../src/core/github/client';
import { GitHubApiError } from '../../../src/core/github/errors';
import { RecordingServer } from '../../github/recordingServer';

const TOKEN = 'ghp_redirectToken0123456789';

describe('github client and redirects', () => {
  let other: RecordingServer;
  let api: RecordingServer;

  beforeEach(async () => {
    other = await RecordingServer.start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ default_branch: 'stolen', html_url: '' }));
    });
    api = await RecordingServer.start((req, res) => {
      if (req.path === '/repos/acme/backend') {
        res.writeHead(301, { location: `${other.url}/repos/acme/backend` });
        return res.end();
      }
      if (req.path === '/repos/acme/renamed') {
        // GitHub's answer for a renamed repository: a redirect on its own API.
        res.writeHead(301, { location: '/repositories/42' });
        return res.end();
      }
      if (req.path === '/repositories/42') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ default_branch: 'trunk', html_url: 'https://github.com/acme/new' }));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found' }));
    });
  });

  afterEach(async () => {
    await other.close();
    await api.close();
  });

  const client = (repo: string) => new GitHubClient({ baseUrl: api.url, token: TOKEN, owner: 'acme', repo });

  it('a redirect to another port is not followed: the second server sees nothing, the failure says why', async () => {
    let error: unknown;
    try {
      await client('backend').getRepository();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof GitHubApiError, String(error));
    assert.match(
      error.failure.message,
      new RegExp(
        `redirected GET /repos/acme/backend to another host \\(${other.url}\\).*the token was not sent there`,
      ),
    );
    assert.deepEqual(other.withCredentials(TOKEN), [], 'no request to the second server carried the token');
    assert.deepEqual(other.requests, [], 'the second server got no request at all');
  });

  it('a redirect on the same origin (a renamed repository) is followed, with the token', async () => {
    const repo = await client('renamed').getRepository();
    assert.equal(repo.defaultBranch, 'trunk');
    assert.deepEqual(
      api.requests.map((r) => [r.path, r.headers.authorization]),
      [
        ['/repos/acme/renamed', `Bearer ${TOKEN}`],
        ['/repositories/42', `Bearer ${TOKEN}`],
      ],
    );
    assert.deepEqual(other.requests, []);
  });
});
