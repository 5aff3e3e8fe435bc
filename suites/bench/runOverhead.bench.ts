// One fixture test through the extension's run path (runHeadless: command resolution, launch, plugin, results
// channel) vs the same pytest command typed by hand, with the fixture's Django already up.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcess, runToEnd } from '../../src/core/process/childProcess';
import { runHeadless } from '../../src/core/pytest/headless';
import { finish, report, sideBySide } from './support';
import { freePort } from '../unit/support';

const PYTHON = '/usr/bin/python3';
const REPO = join(__dirname, '../../..');
const RUNS = 7;
const TEST = 'test_deploy.py::TestDeployments::test_whoami';

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/health/`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Django did not answer at ${url} within ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'cit-bench-run-'));
  cpSync(join(REPO, 'suites/fixtures/codespace'), ws, {
    recursive: true,
    filter: (s) => !s.includes('__pycache__') && !s.endsWith('db.sqlite3'),
  });
  const backend = join(ws, 'backend');
  const ini = join(backend, 'oracles/tests/integration/pytest.ini');
  const env = { ...process.env, PYTHONUNBUFFERED: '1' };
  let django: ChildProcess | undefined;
  try {
    const migrate = await runToEnd({
      command: PYTHON,
      args: ['manage.py', 'migrate', '--noinput'],
      cwd: backend,
      env,
      timeoutMs: 120_000,
    });
    if (migrate.exit.kind !== 'exited' || migrate.exit.code !== 0)
      throw new Error(`migrate failed: ${migrate.stderr}`);
    const key = await runToEnd({
      command: PYTHON,
      args: ['manage.py', 'print_api_key', 'baseten'],
      cwd: backend,
      env,
      timeoutMs: 60_000,
    });
    const apiKey = key.stdout.trim().split('\n').pop()!.trim();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    django = new ChildProcess({
      command: PYTHON,
      args: ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
      cwd: backend,
      env,
      name: 'Django',
    });
    await waitHealthy(url, 60_000);
    const djangoEnv = { INTEGRATION_DJANGO_URL: url, INTEGRATION_API_KEY: apiKey };
    const settings = { command: 'uv run pytest', interpreter: PYTHON, extraArgs: [], env: {}, cwd: ws };

    let lastOutcome = '';
    const extension = async () => {
      let outcome = '';
      const r = await runHeadless({
        ini,
        nodeIds: [TEST],
        settings,
        extraEnv: djangoEnv,
        pluginDir: join(REPO, 'out/python'),
        onEvent: (e) => e.event === 'finished' && (outcome = e.outcome),
      });
      if (r.outcome.problem || outcome !== 'passed')
        throw new Error(
          `the run did not pass: ${r.outcome.problem ?? outcome}\n${r.outcome.tail.join('\n')}`,
        );
      lastOutcome = outcome;
    };
    const byHand = async () => {
      const r = await runToEnd({
        command: PYTHON,
        args: ['-m', 'pytest', '-c', ini, join(backend, 'oracles/tests/integration', TEST)],
        cwd: ws,
        env: { ...env, ...djangoEnv },
        timeoutMs: 120_000,
      });
      if (r.exit.kind !== 'exited' || r.exit.code !== 0)
        throw new Error(`pytest by hand failed: ${r.stdout}`);
    };
    // Warm up both (imports, .pyc files), then alternate so drift hits both sides alike.
    const { e, h, ratio } = await sideBySide(extension, byHand, RUNS);
    console.log(`${RUNS} runs each of ${TEST} (${lastOutcome}); Django at ${url}`);
    finish([
      report(
        'run overhead',
        `extension run path ${e.toFixed(0)} ms vs pytest by hand ${h.toFixed(0)} ms = ${ratio.toFixed(2)}x (target <= 1.15x)`,
        ratio <= 1.15,
      ),
    ]);
  } finally {
    await django?.stop();
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`runOverhead: ${(e as Error).message}`);
  process.exitCode = 1;
});
