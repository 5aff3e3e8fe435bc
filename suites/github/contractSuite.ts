import * as assert from 'node:assert/strict';
import { GitHubClient } from '../../src/core/github/client';
import { ContractGitHub } from './contract';
import type { GitHubStandIn, StandInOptions } from './standIn';

/** The GitHub of a mocha suite: Prism over the stand-in, and a client of the fixture repository. */
export interface ContractSuite {
  readonly github: ContractGitHub;
  readonly standIn: GitHubStandIn;
  client(token?: string): GitHubClient;
}

/**
 * Mocha hooks for a suite against the stand-in behind Prism (GitHub's OpenAPI contract): one Prism for the
 * suite, a fresh stand-in for each test, and no contract violation after it.
 */
export function contractSuite(options: StandInOptions, token: string): ContractSuite {
  let github: ContractGitHub | undefined;
  let standIn: GitHubStandIn | undefined;
  before(async () => {
    github = await ContractGitHub.start(options);
  });
  after(async () => {
    await github?.stop();
  });
  beforeEach(async () => {
    standIn = await github!.reset(options);
  });
  afterEach(() => {
    assert.deepEqual(github!.takeViolations(), [], 'Prism reported contract violations');
  });
  return {
    get github() {
      return github!;
    },
    get standIn() {
      return standIn!;
    },
    client: (t = token) =>
      new GitHubClient({ baseUrl: github!.url, token: t, owner: 'acme', repo: 'backend' }),
  };
}
