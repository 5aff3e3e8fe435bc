import * as assert from 'node:assert/strict';
import { parseRemoteUrl, withoutCredentials } from '../../../src/core/github/remote';

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

  it('removes user names and passwords from every URL in a text, and nothing else', () => {
    assert.equal(
      withoutCredentials('https://user:secret@github.com/acme/backend.git'),
      'https://github.com/acme/backend.git',
    );
    assert.equal(
      withoutCredentials(
        "fatal: unable to access 'https://x-access-token:ghp_abc@ghe.example.com/a/b.git/': 403",
      ),
      "fatal: unable to access 'https://ghe.example.com/a/b.git/': 403",
    );
    assert.equal(
      withoutCredentials('ssh://git@github.com:22/acme/backend.git'),
      'ssh://github.com:22/acme/backend.git',
    );
    // scp-like remotes carry a user name and never a password: left as they are.
    assert.equal(withoutCredentials('git@github.com:acme/backend.git'), 'git@github.com:acme/backend.git');
    assert.equal(withoutCredentials('mail dev@example.com'), 'mail dev@example.com');
  });
});
