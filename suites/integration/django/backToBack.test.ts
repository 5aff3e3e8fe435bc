import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leaveTimeWait, strictPortCheck } from '../../net/timeWait';
import { runCli, teamFixtureCopy } from '../support';
import { freePort } from './djangoFixture';

const TEST = 'backend/oracles/tests/integration/test_deploy.py::test_health';
const CONFTEST = 'backend/oracles/tests/integration/conftest.py';

interface RunJson {
  results: { nodeid: string; outcome: string }[];
  problem?: string;
}

describe('Session mode, run after run: closed connections in TIME_WAIT never delay a run', function () {
  this.timeout(120_000);
  const made: string[] = [];
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('the team repository (runserver binds with SO_REUSEADDR): three runs back to back, none waits, all pass', async () => {
    const port = await freePort();
    const team = teamFixtureCopy('cit-b2b-team-', port);
    made.push(team);
    for (let i = 0; i < 3; i++) {
      await leaveTimeWait(port);
      const r = await runCli(['run', '--workspace', team, '--django', 'session', '--json', TEST], {
        cwd: team,
      });
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(
        (JSON.parse(r.stdout) as RunJson).results.map((x) => x.outcome),
        ['passed'],
      );
      // The old pre-run check waited here for up to a minute.
      assert.doesNotMatch(r.stderr, /waiting up to a minute/);
      assert.match(r.stderr, /closed connection\(s\) in TIME_WAIT; not waiting/);
    }
  });

  it('a conftest whose check binds without SO_REUSEADDR: the refusal is named, with its fix; --retry-when-port-free runs again and passes', async () => {
    const port = await freePort();
    const team = teamFixtureCopy('cit-b2b-strict-', port);
    made.push(team);
    // A check no working repository keeps (connect, then bind without SO_REUSEADDR): the test writes it in.
    const conftest = join(team, CONFTEST);
    writeFileSync(conftest, strictPortCheck(readFileSync(conftest, 'utf8')));
    const run = (...extra: string[]) =>
      runCli(['run', '--workspace', team, '--django', 'session', '--json', ...extra, TEST], { cwd: team });
    const first = await run();
    assert.strictEqual(first.code, 0, first.stderr);
    await leaveTimeWait(port);
    const refused = await run();
    assert.strictEqual(refused.code, 3, refused.stderr);
    const json = JSON.parse(refused.stdout) as RunJson;
    assert.deepStrictEqual(
      json.results.map((x) => x.outcome),
      ['error'],
    );
    assert.match(json.problem ?? '', new RegExp(`refused port ${port}, although no process listens on it`));
    assert.match(json.problem ?? '', /TIME_WAIT/);
    assert.match(json.problem ?? '', /SO_REUSEADDR/);
    assert.match(refused.stderr, /--retry-when-port-free/);
    const retried = await run('--retry-when-port-free');
    assert.strictEqual(retried.code, 0, retried.stderr);
    assert.deepStrictEqual(
      (JSON.parse(retried.stdout) as RunJson).results.map((x) => x.outcome),
      ['passed'],
    );
  });
});
