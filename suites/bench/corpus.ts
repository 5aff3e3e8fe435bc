// The generated corpus of 5,000 tests in 100 files that the discovery, run and tree benchmarks share.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FILES = 100;
export const TESTS = 5000;

/** 50 tests per file: two classes of 10 methods, 10 functions, and 4 parametrized functions of 5 cases (stacked and with ids). */
function moduleSource(n: number): string {
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

/** Writes the corpus under `root` (backend/tests/integration, with its pytest.ini); returns that folder. */
export function writeCorpus(root: string): string {
  const dir = join(root, 'backend/tests/integration');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pytest.ini'), '[pytest]\nmarkers =\n    integration: cross-service\n');
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, corpusFile(i)), moduleSource(i));
  return dir;
}

export function corpusFile(i: number): string {
  return `test_module_${String(i).padStart(3, '0')}.py`;
}

// `node out/suites/bench/corpus.js DIR`: the host benchmark's runner writes the corpus before the window opens.
if (require.main === module && process.argv[2]) writeCorpus(process.argv[2]);
