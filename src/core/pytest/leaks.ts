import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { splitCommandLine } from '../variables';
import type { LeakedTable } from './protocol';

/**
 * The leak check: which rows each test left in Django's database. The pytest plugin reads the row counts
 * (`python/codespace_tests_leaks.py`); this finds the Django project the way `manage.py` does, hands it to
 * the plugin, and words what comes back.
 */

/** Environment variable that turns the check on; its value is a `LeakCheckSpec` as JSON. */
const LEAKS_ENV_VAR = 'CODESPACE_TESTS_LEAKS';

/** What the plugin needs: read by `LeakCheck` in `codespace_tests_leaks.py`. */
interface LeakCheckSpec {
  /** The folder of manage.py: put on sys.path before the settings module is imported. */
  projectDir: string;
  /** The module manage.py defaults DJANGO_SETTINGS_MODULE to. */
  defaultSettings?: string;
  /** codespaceTests.leaks.settingsModule: wins over DJANGO_SETTINGS_MODULE and the default. */
  settings?: string;
}

/** One leaked table of one test, as `--json` prints it. */
export interface LeakRecord extends LeakedTable {
  nodeid: string;
}

type DjangoProject =
  { kind: 'found'; spec: LeakCheckSpec; managePy?: string } | { kind: 'missing'; reason: string };

/** The module of `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "…")` in manage.py, if it says one. */
export function settingsDefaultOf(managePy: string): string | undefined {
  const m = /setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']\s*\)/.exec(managePy);
  return m?.[1];
}

/** The manage.py named in a command line such as `uv run python backend/manage.py runserver`. */
export function managePyInCommand(command: string, cwd: string): string | undefined {
  const word = splitCommandLine(command).find((w) => /(^|[\\/])manage\.py$/.test(w));
  return word === undefined ? undefined : isAbsolute(word) ? word : resolve(cwd, word);
}

/**
 * The Django project of a workspace, found as manage.py finds its settings: the folder of the manage.py in
 * codespaceTests.django.command (else the first manage.py within two folders of the workspace), and its
 * DJANGO_SETTINGS_MODULE default; `projectDir` and `settingsModule` (the leaks.* settings) override them.
 */
export async function findDjangoProject(opts: {
  workspace: string;
  djangoCommand: string;
  djangoCwd: string;
  projectDir?: string;
  settingsModule?: string;
}): Promise<DjangoProject> {
  const settings = opts.settingsModule?.trim() || undefined;
  const override = opts.projectDir?.trim();
  const managePy = override
    ? join(resolve(opts.workspace, override), 'manage.py')
    : (existing(managePyInCommand(opts.djangoCommand, opts.djangoCwd)) ??
      (await searchManagePy(opts.workspace)));
  if (!managePy) {
    if (override && settings)
      return { kind: 'found', spec: { projectDir: resolve(opts.workspace, override), settings } };
    return {
      kind: 'missing',
      reason: `no manage.py was found (not in codespaceTests.django.command, nor within two folders of ${opts.workspace}). Set codespaceTests.leaks.projectDir to the folder of manage.py.`,
    };
  }
  let text = '';
  try {
    text = await readFile(managePy, 'utf8');
  } catch {
    if (!settings)
      return {
        kind: 'missing',
        reason: `${managePy} cannot be read. Set codespaceTests.leaks.projectDir to the folder of manage.py.`,
      };
  }
  return {
    kind: 'found',
    managePy,
    spec: {
      projectDir: dirname(managePy),
      defaultSettings: settingsDefaultOf(text),
      ...(settings ? { settings } : {}),
    },
  };
}

function existing(path: string | undefined): string | undefined {
  return path && existsSync(path) ? path : undefined;
}

const SKIP = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__']);

async function searchManagePy(workspace: string): Promise<string | undefined> {
  let level = [workspace];
  for (let depth = 0; depth <= 2; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      if (entries.some((e) => e.isFile() && e.name === 'manage.py')) return join(dir, 'manage.py');
      for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) next.push(join(dir, e.name));
    }
    level = next.sort();
  }
  return undefined;
}

/** `left 1 row in deploys_deployment (ids 7)`: the warning on the test. */
export function leakWarning(t: LeakedTable): string {
  const rows = `${t.rows} row${t.rows === 1 ? '' : 's'}`;
  const more = t.ids.length < t.rows && t.ids.length ? ', …' : '';
  const ids = t.ids.length ? ` (ids ${t.ids.join(', ')}${more})` : '';
  return `left ${rows} in ${t.table}${ids}`;
}

/** The run's summary of leaks, one line per test: `nodeid: left 1 row in x (ids 7); left 2 rows in y`. */
export function leakSummary(records: readonly LeakRecord[]): string[] {
  if (!records.length) return [];
  const byTest = new Map<string, string[]>();
  for (const r of records) byTest.set(r.nodeid, [...(byTest.get(r.nodeid) ?? []), leakWarning(r)]);
  const n = byTest.size;
  return [
    `Leak check: ${n} test${n === 1 ? '' : 's'} left rows in the database:`,
    ...[...byTest].map(([id, warnings]) => `  ${id}: ${warnings.join('; ')}`),
  ];
}

/** The variables that turn the check on for a run, or why it cannot run (said once, the run goes on). */
export async function leakCheckEnv(
  opts: Parameters<typeof findDjangoProject>[0],
): Promise<{ kind: 'on'; env: Record<string, string> } | { kind: 'off'; reason: string }> {
  const project = await findDjangoProject(opts);
  if (project.kind === 'missing') return { kind: 'off', reason: project.reason };
  return { kind: 'on', env: { [LEAKS_ENV_VAR]: JSON.stringify(project.spec) } };
}
