import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { freePort, runCli, teamFixtureCopy } from '../support';

// The team fixture's own tests (suites/fixtures/teamrepo).
const FILE = 'backend/oracles/tests/integration/test_models.py';
const FAILS = `${FILE}::test_whoami_then_fails`;
const PASSES = `${FILE}::test_whoami_passes`;

interface Line {
  source: string;
  time: number;
  text: string;
  level?: string;
}
interface Result {
  nodeid: string;
  outcome: string;
  logs?: Line[];
  logNotes?: string[];
}

describe('codespace-tests run: a failed test carries its evidence (Django, pods, events)', function () {
  this.timeout(180_000);
  let team: string;
  let api: FakeKubeApi;

  before(async () => {
    team = teamFixtureCopy('cit-cli-evidence-', await freePort());
    api = await FakeKubeApi.start();
  });
  after(async () => {
    await api.close();
    rmSync(team, { recursive: true, force: true });
  });

  function settings(over: Record<string, unknown>): void {
    const file = join(team, '.vscode/settings.json');
    const now = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...now, ...over }, null, 2));
  }

  async function run(...args: string[]): Promise<Result[]> {
    const r = await runCli(['run', '--workspace', team, '--json', ...args], { cwd: team });
    return (JSON.parse(r.stdout) as { results: Result[] }).results;
  }

  it('--json: the failed test has its Django request, the pynode line and a Warning event; the passing one none', async () => {
    settings({ 'codespaceTests.kube.kubeconfig': api.writeKubeconfig() });
    api.addPod('default', 'pynode-1', { labels: { app: 'pynode' } });
    api.addPod('default', 'unrelated', { labels: { app: 'other' } });
    const began = Date.now();
    api.addEvent({
      namespace: 'default',
      involved: { kind: 'Pod', name: 'pynode-1' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container app',
      type: 'Warning',
      first: began - 60_000,
      last: began + 600_000,
      count: 3,
    });
    // A line every 100 ms while the run lasts: some fall in each test's window.
    const ticks = setInterval(() => {
      api.writeLog('default', 'pynode-1', 'app', ['pynode handled a request']);
      api.writeLog('default', 'unrelated', 'app', ['not selected']);
    }, 100);
    let results: Result[];
    try {
      results = await run(FAILS, PASSES);
    } finally {
      clearInterval(ticks);
    }
    const failed = results.find((r) => r.nodeid.endsWith('test_whoami_then_fails'))!;
    const passed = results.find((r) => r.nodeid.endsWith('test_whoami_passes'))!;
    assert.strictEqual(failed.outcome, 'failed');
    assert.strictEqual(passed.outcome, 'passed');
    const logs = failed.logs ?? [];
    const show = JSON.stringify(failed, null, 1);
    assert.ok(
      logs.some((l) => l.source === 'django' && /GET \/api\/whoami\//.test(l.text)),
      show,
    );
    assert.ok(
      logs.some((l) => l.source === 'pod/default/pynode-1/app' && l.text === 'pynode handled a request'),
      show,
    );
    assert.ok(
      logs.some((l) => l.source === 'events' && /^Warning BackOff/.test(l.text) && l.level === 'warn'),
      show,
    );
    assert.ok(!logs.some((l) => l.text === 'not selected'), show);
    assert.deepStrictEqual(
      logs.map((l) => l.time),
      [...logs.map((l) => l.time)].sort((a, b) => a - b),
      'in time order',
    );
    assert.strictEqual(passed.logs, undefined);
  });

  it('--logs without a kubeconfig: every test has its Django lines, and the notes say there is no cluster', async () => {
    settings({ 'codespaceTests.kube.kubeconfig': join(team, 'no-such-kubeconfig') });
    const [passed] = await run('--logs', PASSES);
    assert.strictEqual(passed.outcome, 'passed');
    assert.ok(
      passed.logs?.some((l) => l.source === 'django' && /GET \/api\/whoami\//.test(l.text)),
      JSON.stringify(passed),
    );
    assert.match(
      (passed.logNotes ?? []).join('\n'),
      /No cluster configured: the kubeconfig .* does not exist/,
    );
  });
});
