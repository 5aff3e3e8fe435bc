import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The system interpreter that has pytest (the pyenv `python3` first on PATH has not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const REPO_ROOT = join(__dirname, '../../../..');
export const CORPUS = join(REPO_ROOT, 'suites/integration/pytest/corpus');
export const PLUGIN_DIR = join(REPO_ROOT, 'out/python');

/** Node ids from real `pytest --collect-only -q`, run in `dir` with its pytest.ini (so testpaths apply). */
export function pytestCollect(dir: string, args: string[] = []): string[] {
  const r = spawnSync(
    SYSTEM_PYTHON,
    ['-m', 'pytest', '-p', 'no:cacheprovider', '--collect-only', '-q', '-c', 'pytest.ini', ...args],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 60_000,
    },
  );
  if (r.status !== 0 && r.status !== 5)
    throw new Error(`pytest --collect-only failed (${r.status}): ${r.stdout}\n${r.stderr}`);
  const ids: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) break;
    ids.push(line);
  }
  return ids;
}
