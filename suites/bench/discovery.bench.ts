// Tree ready from the static read vs `pytest --collect-only -q`, on one generated corpus of 5,000 tests in 100 files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { discoverFolder } from '../../src/core/pytest/discovery';
import { leafIds } from '../../src/core/pytest/staticReader';
import { FILES, writeCorpus } from './corpus';
import { finish, report, timeIt } from './support';

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'cit-bench-discovery-'));
  try {
    const dir = writeCorpus(root);

    let staticCount = 0;
    // The first read warms the file cache for both sides alike.
    await discoverFolder(root, '**/tests/integration/**/*.py');
    const staticMs = await timeIt(async () => {
      const files = await discoverFolder(root, '**/tests/integration/**/*.py');
      staticCount = files.reduce((n, f) => n + leafIds(f.tests).length, 0);
    }, 5);
    let pytestCount = 0;
    const pytestMs = await timeIt(() => {
      const r = spawnSync(
        '/usr/bin/python3',
        [
          '-m',
          'pytest',
          '-p',
          'no:cacheprovider',
          '--collect-only',
          '-q',
          '-c',
          join(dir, 'pytest.ini'),
          dir,
        ],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      pytestCount = r.stdout.split('\n').filter((l) => l.includes('::')).length;
    }, 3);
    const ratio = pytestMs / staticMs;
    console.log(
      `corpus: ${FILES} files; static read found ${staticCount} tests, pytest collected ${pytestCount}`,
    );
    finish([
      report(
        'same tests found',
        `${staticCount} vs ${pytestCount}`,
        staticCount === pytestCount && staticCount === 5000,
      ),
      report('static read time', `${staticMs.toFixed(1)} ms (target < 200 ms)`, staticMs < 200),
      report(
        'static read vs pytest --collect-only -q',
        `${staticMs.toFixed(1)} ms vs ${pytestMs.toFixed(0)} ms = ${ratio.toFixed(1)}x faster (target >= 10x)`,
        ratio >= 10,
      ),
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
