import * as assert from 'node:assert/strict';
import { apiBaseUrlFor, parseRemoteUrl } from '../../../src/core/github/remote';

describe('github remote URL parsing', () => {
  const cases: [string, { host: string; owner: string; repo: string } | undefined][] = [
    ['https://github.com/acme/backend.git', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    ['https://github.com/acme/backend', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    ['https://github.com/acme/backend/', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    [
      'https://user:secret@github.com/acme/backend.git',
      { host: 'github.com', owner: 'acme', repo: 'backend' },
    ],
    ['git@github.com:acme/backend.git', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    ['git@github.com:acme/my.repo-name_2', { host: 'github.com', owner: 'acme', repo: 'my.repo-name_2' }],
    ['ssh://git@github.com/acme/backend.git', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    ['ssh://git@github.com:22/acme/backend.git', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    ['git://github.com/acme/backend.git', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    [
      'https://ghe.example.com/platform/backend.git',
      { host: 'ghe.example.com', owner: 'platform', repo: 'backend' },
    ],
    [
      'git@GHE.Example.com:platform/backend.git',
      { host: 'ghe.example.com', owner: 'platform', repo: 'backend' },
    ],
    ['  https://github.com/acme/backend.git\n', { host: 'github.com', owner: 'acme', repo: 'backend' }],
    ['', undefined],
    ['/tmp/remote.git', undefined],
    ['file:///tmp/remote.git', undefined],
    ['https://github.com/acme', undefined],
    ['not a url', undefined],
    ['git@github.com:', undefined],
  ];
  for (const [url, expected] of cases) {
    it(`${JSON.stringify(url)} -> ${expected ? `${expected.host} ${expected.owner}/${expected.repo}` : 'not GitHub'}`, () => {
      assert.deepEqual(parseRemoteUrl(url), expected);
    });
  }

  it('picks the API base: api.github.com, the Enterprise /api/v3, or the setting when changed', () => {
    const dotcom = parseRemoteUrl('git@github.com:acme/backend.git')!;
    const ghe = parseRemoteUrl('https://ghe.example.com/platform/backend.git')!;
    assert.equal(apiBaseUrlFor(dotcom, 'https://api.github.com'), 'https://api.github.com');
    assert.equal(apiBaseUrlFor(dotcom, ''), 'https://api.github.com');
    assert.equal(apiBaseUrlFor(ghe, 'https://api.github.com'), 'https://ghe.example.com/api/v3');
    assert.equal(apiBaseUrlFor(ghe, 'https://ghe.example.com/api/v3/'), 'https://ghe.example.com/api/v3');
    assert.equal(apiBaseUrlFor(dotcom, 'http://127.0.0.1:4010'), 'http://127.0.0.1:4010');
  });
});
