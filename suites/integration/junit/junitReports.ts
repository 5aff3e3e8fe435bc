import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SYSTEM_PYTHON } from '../pytest/pytestHelpers';
import { runCli } from '../support';

export const SHAPES = join(REPO_ROOT, 'suites/fixtures/junitshapes');
export const FIXTURE = join(REPO_ROOT, 'suites/fixtures/codespace');
export const FIXTURE_INI = 'backend/oracles/tests/integration/pytest.ini';
/** The fixture's tests that need no Django: they run in a second. */
export const NO_DJANGO =
  'model_sizes or add or gpu or restart or fails_on_demand or prints_output or unique_names';

/** A temp copy of a workspace; the caller removes it. */
export function workspaceCopy(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cit-junit-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

export { pytestJUnit } from '../../github/junitReport';

/** Real pytest --collect-only -q node ids (relative to the rootdir). */
export function pytestNodeIds(cwd: string, args: string[]): string[] {
  const r = spawnSync(
    SYSTEM_PYTHON,
    ['-m', 'pytest', '-p', 'no:cacheprovider', '--collect-only', '-q', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 60_000,
    },
  );
  const ids: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) break;
    ids.push(line);
  }
  return ids;
}

export interface ImportJson {
  results: {
    nodeid: string;
    outcome: string;
    message: string;
    duration: number | null;
    file: string;
    line: number | null;
  }[];
  unmatched: { classname: string; name: string; reason: string }[];
  problems: string[];
}

/** The built CLI's `import-junit --json`. */
export async function importJunit(
  workspace: string,
  files: string[],
): Promise<{ code: number | null; json: ImportJson; stderr: string }> {
  const { code, stdout, stderr } = await runCli([
    'import-junit',
    '--json',
    '--workspace',
    workspace,
    ...files,
  ]);
  try {
    return { code, json: JSON.parse(stdout) as ImportJson, stderr };
  } catch (e) {
    throw new Error(`import-junit printed no JSON (${code}): ${stderr}`, { cause: e });
  }
}
