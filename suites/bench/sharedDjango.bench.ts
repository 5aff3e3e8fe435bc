// The second run of one fixture test against the managed Django (already up, URL and key handed to pytest)
// vs the same test where the session fixture migrates and starts its own Django. Target: at least 3x.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/logger';
import { runToEnd } from '../../src/core/process/childProcess';
import { DjangoServer } from '../../src/core/django/server';
import { buildLaunch, serverEnv, type DjangoSettings } from '../../src/core/django/launch';
import { finish, fixtureCopy, manage, PYTHON, report, timeIt } from './support';
import { freePort } from '../unit/support';

const TEST = 'backend/oracles/tests/integration/test_deploy.py::test_health';
const REPEAT = 3;

async function pytest(cwd: string, env: Record<string, string>): Promise<void> {
  const base = { ...process.env };
  delete base.INTEGRATION_DJANGO_URL;
  delete base.INTEGRATION_API_KEY;
  const r = await runToEnd({
    command: PYTHON,
    args: [
      '-m',
      'pytest',
      '-q',
      '-p',
      'no:cacheprovider',
      '-c',
      'backend/oracles/tests/integration/pytest.ini',
      TEST,
    ],
    cwd,
    env: { ...base, ...env },
    timeoutMs: 120_000,
  });
  if (r.exit.kind !== 'exited' || r.exit.code !== 0)
    throw new Error(`pytest failed:\n${r.stdout}\n${r.stderr}`);
}

async function main(): Promise<void> {
  const dir = fixtureCopy('cit-bench-django-');
  const db = join(dir, 'bench.sqlite3');
  const server = new DjangoServer(silentLogger);
  try {
    await manage(join(dir, 'backend'), { ...process.env, DJANGO_DB_PATH: db }, 'migrate', '--noinput');

    const settings: DjangoSettings = {
      command: 'uv run python backend/manage.py runserver',
      host: '127.0.0.1',
      port: await freePort(),
      cwd: dir,
      env: { DJANGO_DB_PATH: db },
      healthPath: '/health/',
      startTimeoutSeconds: 60,
      apiKeyCommand: 'uv run python backend/manage.py print_api_key baseten',
      interpreter: PYTHON,
    };
    const ready = await server.start(await buildLaunch(settings, serverEnv(process.env, {}, settings.env)));
    const shared = {
      INTEGRATION_DJANGO_URL: ready.url,
      INTEGRATION_API_KEY: ready.apiKey ?? '',
      DJANGO_DB_PATH: db,
    };
    await pytest(dir, shared); // The first run; the benchmark is about the ones after it.
    const sharedMs = await timeIt(() => pytest(dir, shared), REPEAT);

    const own = async () =>
      pytest(dir, { INTEGRATION_DJANGO_PORT: String(await freePort()), DJANGO_DB_PATH: db });
    await own();
    const ownMs = await timeIt(own, REPEAT);

    const ratio = ownMs / sharedMs;
    console.log(
      `  test_health, second run, managed Django already up: ${sharedMs.toFixed(0)} ms (median of ${REPEAT})`,
    );
    console.log(
      `  test_health, session fixture starts its own Django:  ${ownMs.toFixed(0)} ms (median of ${REPEAT})`,
    );
    finish([
      report('sharedDjango', `${ratio.toFixed(1)}x faster with the shared server (target >= 3x)`, ratio >= 3),
    ]);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
