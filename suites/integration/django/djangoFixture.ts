// Shared by the Django unit suites: a private copy of the fixture codespace, a migrated database, free ports.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToEnd } from '../../../src/core/process/childProcess';
import {
  buildLaunch,
  serverEnv,
  type DjangoLaunch,
  type DjangoSettings,
} from '../../../src/core/django/launch';
export { freePort } from '../support';

export const SYSTEM_PYTHON = '/usr/bin/python3';
const FIXTURE = join(__dirname, '../../../../suites/fixtures/codespace');

/** A copy of the fixture codespace in a temp folder, with its own sqlite file (not yet migrated). */
export class FixtureCopy {
  readonly dir: string;
  readonly db: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'cit-django-unit-'));
    cpSync(FIXTURE, this.dir, {
      recursive: true,
      filter: (s) => !s.includes('__pycache__') && !s.endsWith('db.sqlite3'),
    });
    this.db = join(this.dir, 'unit.sqlite3');
  }

  async migrate(db = this.db): Promise<void> {
    const r = await runToEnd({
      command: SYSTEM_PYTHON,
      args: ['backend/manage.py', 'migrate', '--noinput'],
      cwd: this.dir,
      env: { ...process.env, DJANGO_DB_PATH: db },
      timeoutMs: 60_000,
    });
    if (r.exit.kind !== 'exited' || r.exit.code !== 0) throw new Error(`migrate failed: ${r.stderr}`);
  }

  settings(port: number, overrides: Partial<DjangoSettings> = {}, db = this.db): DjangoSettings {
    return {
      // The team's default command: `uv` is not installed here, so this also exercises the interpreter fallback.
      command: 'uv run python backend/manage.py runserver',
      host: '127.0.0.1',
      port,
      cwd: this.dir,
      env: { DJANGO_DB_PATH: db },
      healthPath: '/health/',
      startTimeoutSeconds: 30,
      apiKeyCommand: 'uv run python backend/manage.py print_api_key baseten',
      interpreter: SYSTEM_PYTHON,
      ...overrides,
    };
  }

  async launch(port: number, overrides: Partial<DjangoSettings> = {}, db = this.db): Promise<DjangoLaunch> {
    const s = this.settings(port, overrides, db);
    return buildLaunch(s, serverEnv(process.env, {}, s.env));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
