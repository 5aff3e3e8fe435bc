import * as assert from 'node:assert/strict';
import {
  checkApiBaseUrl,
  destinationFor,
  tokenMayGo,
  webUrlAllowed,
  type Destination,
} from '../../../src/core/github/destination';
import { parseRemoteUrl } from '../../../src/core/github/remote';

const dotcom = parseRemoteUrl('git@github.com:acme/backend.git')!;
const ghe = parseRemoteUrl('https://ghe.example.com/platform/backend.git')!;
const other = parseRemoteUrl('https://gitlab.example.org/acme/backend.git')!;
const api = (d: Destination) =>
  d.kind === 'github' ? d : assert.fail(`refused: ${d.kind === 'refused' && d.reason}`);

describe('github destination: where the token may go', () => {
  it('github.com: api.github.com with the `github` sign-in', () => {
    const d = api(destinationFor(dotcom, {}));
    assert.deepEqual(d, {
      kind: 'github',
      provider: 'github',
      apiBaseUrl: 'https://api.github.com',
      webHost: 'github.com',
      custom: false,
    });
    assert.equal(api(destinationFor(dotcom, { apiBaseUrl: 'https://api.github.com/' })).custom, false);
  });

  it('GitHub Enterprise only when the user`s github-enterprise.uri names the remote`s host', () => {
    const d = api(destinationFor(ghe, { enterpriseUri: 'https://GHE.example.com/' }));
    assert.equal(d.provider, 'github-enterprise');
    assert.equal(d.apiBaseUrl, 'https://ghe.example.com/api/v3');
    assert.equal(d.webHost, 'ghe.example.com');
    const unset = destinationFor(ghe, {});
    assert.equal(unset.kind, 'refused');
    assert.match(
      unset.kind === 'refused' ? unset.reason : '',
      /is on ghe\.example\.com, which is not GitHub, so nothing was sent to it\..*set `github-enterprise\.uri` in your user settings to https:\/\/ghe\.example\.com/,
    );
    const http = destinationFor(ghe, { enterpriseUri: 'http://ghe.example.com' });
    assert.match(http.kind === 'refused' ? http.reason : '', /is set, but it is not an https:\/\/ URL/);
  });

  it('any other host is refused, whatever the API base URL setting says', () => {
    for (const settings of [
      {},
      { apiBaseUrl: 'http://127.0.0.1:4010' },
      { enterpriseUri: 'https://ghe.example.com' },
    ]) {
      const d = destinationFor(
        other,
        settings,
        'The remote origin (https://gitlab.example.org/acme/backend.git)',
      );
      assert.equal(d.kind, 'refused');
      assert.match(
        d.kind === 'refused' ? d.reason : '',
        /^The remote origin \(https:\/\/gitlab\.example\.org\/acme\/backend\.git\) is on gitlab\.example\.org, which is not GitHub/,
      );
    }
  });

  it('ci.apiBaseUrl: https anywhere, http only on loopback, never with credentials', () => {
    assert.equal(checkApiBaseUrl('https://proxy.example.com/api'), undefined);
    for (const ok of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010'])
      assert.equal(checkApiBaseUrl(ok), undefined, ok);
    assert.match(checkApiBaseUrl('http://evil.example.com') ?? '', /must be an https:\/\/ URL/);
    assert.match(checkApiBaseUrl('http://127.0.0.1.evil.example.com') ?? '', /must be an https:\/\/ URL/);
    assert.match(checkApiBaseUrl('https://u:p@proxy.example.com') ?? '', /user name or password/);
    assert.match(checkApiBaseUrl('ftp://x') ?? '', /must be an https/);
    assert.match(checkApiBaseUrl('not a url') ?? '', /is not a URL/);
    const refused = destinationFor(dotcom, { apiBaseUrl: 'http://evil.example.com/api' });
    assert.equal(refused.kind, 'refused');
    const custom = api(destinationFor(dotcom, { apiBaseUrl: 'http://127.0.0.1:4010/' }));
    assert.deepEqual([custom.apiBaseUrl, custom.custom], ['http://127.0.0.1:4010', true]);
  });

  it('a sign-in`s token and GITHUB_TOKEN go only to their own server`s API; the stored token to any checked one', () => {
    const github = api(destinationFor(dotcom, {}));
    const enterprise = api(destinationFor(ghe, { enterpriseUri: 'https://ghe.example.com' }));
    const custom = api(destinationFor(dotcom, { apiBaseUrl: 'https://proxy.example.com' }));
    const table = (['stored', 'testEnvironment', 'session', 'codespace'] as const).map((s) => [
      s,
      tokenMayGo(s, github),
      tokenMayGo(s, enterprise),
      tokenMayGo(s, custom),
    ]);
    assert.deepEqual(table, [
      ['stored', true, true, true],
      ['testEnvironment', true, true, true],
      ['session', true, true, false],
      ['codespace', true, false, false],
    ]);
  });

  it('opens only https pages on github.com or the Enterprise host', () => {
    const run = 'https://github.com/acme/backend/actions/runs/1';
    assert.equal(webUrlAllowed(run, undefined), true);
    assert.equal(webUrlAllowed('https://ghe.example.com/a/b', 'https://ghe.example.com'), true);
    for (const bad of [
      'http://github.com/acme/backend',
      'https://github.com.evil.example/x',
      'https://evil.example/https://github.com/',
      'https://user:pw@github.com/acme',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'command:workbench.action.terminal.new',
      'https://ghe.example.com/a/b',
      'not a url',
    ])
      assert.equal(webUrlAllowed(bad, undefined), false, bad);
  });
});
