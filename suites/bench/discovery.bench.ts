// Tree ready from the static read vs `pytest --collect-only -q`, on one generated corpus of 5,000 tests in 100 files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { discoverFolder } from '../../src/core/pytest/discovery';
import { leafIds } from '../../src/core/pytest/staticReader';
import { finish, report, timeIt } from './support';

const FILES = 100;

/** 50 tests per file: two classes of 10 methods, 10 functions, and 4 parametrized functions of 5 cases (stacked and with ids). */
function module(n: number): string {
  const out = ['import pytest', '', ''];
  for (const c of ['Alpha', 'Beta']) {
    out.push(`@pytest.mark.integration`, `class Test${c}${n}:`);
    for (let m = 0; m < 10; m++)
      out.push(`    def test_method_${m}(self):`, `        assert ${m} == ${m}`, '');
    out.push('');
  }
  for (let f = 0; f < 10; f++)
    out.push(`def test_function_${f}():`, `    """Checks ${f}."""`, `    assert True`, '', '');
  out.push(
    `@pytest.mark.parametrize("size", ["xs", "s", "m", "l", "xl"])`,
    'def test_sizes(size):',
    '    assert size',
    '',
    '',
  );
  out.push(
    `@pytest.mark.parametrize("a,b", [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)])`,
    'def test_pairs(a, b):',
    '    assert a < b',
    '',
    '',
  );
  out.push(
    `@pytest.mark.parametrize("v", [1, 2, 3, 4, 5], ids=["one", "two", "three", "four", "five"])`,
    'def test_named(v):',
    '    assert v',
    '',
    '',
  );
  out.push(
    `@pytest.mark.parametrize(`,
    `    "name",`,
    `    [pytest.param("a", id="first"), "b", "c", "d", "e"],`,
    `)`,
    'def test_params(name):',
    '    assert name',
    '',
  );
  return out.join('\n');
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'cit-bench-discovery-'));
  try {
    const dir = join(root, 'backend/tests/integration');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pytest.ini'), '[pytest]\nmarkers =\n    integration: cross-service\n');
    for (let i = 0; i < FILES; i++)
      writeFileSync(join(dir, `test_module_${String(i).padStart(3, '0')}.py`), module(i));

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
