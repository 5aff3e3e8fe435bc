import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const INTEGRATION = 'backend/oracles/tests/integration';

/**
 * A temp copy of the fixture codespace in the team's layout: pytest runs from the repository root, and
 * its rootdir is the pytest.ini's folder (given with -c), not the working directory.
 */
export function fixtureCopyWithBrokenFiles(): {
  root: string;
  dir: string;
  syntaxLine: number;
  importLine: number;
} {
  const root = mkdtempSync(join(tmpdir(), 'cit-collect-'));
  cpSync(join(REPO_ROOT, 'suites/fixtures/codespace'), root, { recursive: true });
  const dir = join(root, INTEGRATION);
  writeFileSync(
    join(dir, 'test_syntax_error.py'),
    'import os\n\n\ndef test_ok():\n    x = (1,\n    assert x\n',
  );
  writeFileSync(
    join(dir, 'test_import_error.py'),
    '"""A test file whose import fails."""\nimport os\n\nfrom helpers import no_such_helper\n\n\ndef test_ok():\n    pass\n',
  );
  return { root, dir, syntaxLine: 5, importLine: 4 };
}
