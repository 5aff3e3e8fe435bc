// The leak check's cost: the fixture's whole suite through the extension's run path with the check on vs off,
// against the same Django (already up). Target: at most 15 % slower with the check.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcess, runToEnd } from '../../src/core/process/childProcess';
import { runHeadless } from '../../src/core/pytest/headless';
import { leakCheckEnv } from '../../src/core/pytest/leaks';
import { finish, report, timeIt } from './support';
import { freePort } from '../unit/support';

const PYTHON = '/usr/bin/python3';
const REPO = join(__dirname, '../../..');
const RUNS = 5;

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
  const ws = mkdtempSync(join(tmpdir(), 'cit-bench-leaks-'));
  cpSync(join(REPO, 'suites/fixtures/codespace'), ws, {
    recursive: true,
    filter: (s) => !s.includes('__pycache__') && !s.endsWith('db.sqlite3'),
  });
  const backend = join(ws, 'backend');
  const ini = join(backend, 'oracles/tests/integration/pytest.ini');
  const env = { ...process.env, PYTHONUNBUFFERED: '1' };
  let django: ChildProcess | undefined;
  try {
    const manage = async (...args: string[]) => {
      const r = await runToEnd({
        command: PYTHON,
        args: ['manage.py', ...args],
        cwd: backend,
        env,
        timeoutMs: 120_000,
      });
      if (r.exit.kind !== 'exited' || r.exit.code !== 0)
        throw new Error(`manage.py ${args[0]} failed: ${r.stderr}`);
      return r.stdout;
    };
    await manage('migrate', '--noinput');
    const apiKey = (await manage('print_api_key', 'baseten')).trim().split('\n').pop()!.trim();
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
    const check = await leakCheckEnv({
      workspace: ws,
      djangoCommand: 'uv run python backend/manage.py runserver',
      djangoCwd: ws,
    });
    if (check.kind !== 'on') throw new Error(`the leak check cannot run: ${check.reason}`);

    let tests = 0;
    let leaks = 0;
    const suite = (withCheck: boolean) => async () => {
      let finished = 0;
      let leaked = 0;
      const r = await runHeadless({
        ini,
        nodeIds: ['.'],
        settings,
        extraEnv: { ...djangoEnv, ...(withCheck ? check.env : {}) },
        pluginDir: join(REPO, 'out/python'),
        onEvent: (e) => {
          if (e.event === 'finished') finished++;
          else if (e.event === 'leaked') leaked++;
          else if (e.event === 'leakCheck' && e.status === 'off') throw new Error(e.reason);
        },
      });
      if (r.outcome.problem) throw new Error(`the suite did not run: ${r.outcome.problem}`);
      if (withCheck && leaked !== 1) throw new Error(`expected the one leaking test, saw ${leaked}`);
      tests = finished;
      if (withCheck) leaks = leaked;
    };
    // Warm up both, then alternate so drift hits both sides alike.
    await suite(true)();
    await suite(false)();
    const on: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      on.push(await timeIt(suite(true)));
      off.push(await timeIt(suite(false)));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const a = median(on);
    const b = median(off);
    const ratio = a / b;
    console.log(
      `${RUNS} runs each of the fixture's suite (${tests} tests, ${leaks} leaking); Django at ${url}`,
    );
    finish([
      report(
        'leak check overhead',
        `with the check ${a.toFixed(0)} ms vs without ${b.toFixed(0)} ms = ${ratio.toFixed(2)}x (target <= 1.15x)`,
        ratio <= 1.15,
      ),
    ]);
  } finally {
    await django?.stop();
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`leakCheck: ${(e as Error).message}`);
  process.exitCode = 1;
});
