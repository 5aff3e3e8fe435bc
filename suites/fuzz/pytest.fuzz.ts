import * as assert from 'node:assert';
import { join } from 'node:path';
import { compileGlob, fnmatch } from '../../src/core/glob';
import { rulesFromIniText } from '../../src/core/pytest/ini';
import { parametrizeIds } from '../../src/core/pytest/parametrize';
import { logicalLines } from '../../src/core/pytest/pythonLines';
import { parseCall } from '../../src/core/pytest/pythonLiteral';
import { outline } from '../../src/core/pytest/sourceOutline';
import { isTestFile, matchesRule, readTests, leafIds } from '../../src/core/pytest/staticReader';
import { DEFAULT_RULES } from '../../src/core/pytest/ini';
import { fuzz, REPO, samplesFrom } from './harness';

const CORPUS = join(REPO, 'suites/integration/pytest/corpus');
const FIXTURE = join(REPO, 'suites/fixtures/codespace');
const pythonSamples = [
  ...samplesFrom(CORPUS, (n) => n.endsWith('.py')),
  ...samplesFrom(join(FIXTURE, 'backend'), (n) => n.endsWith('.py')),
];
const iniSamples = [
  ...samplesFrom(CORPUS, (n) => n === 'pytest.ini'),
  ...samplesFrom(FIXTURE, (n) => n === 'pytest.ini'),
];
const PY_TOKENS = [
  '@pytest.mark.parametrize("a", [1, 2, 3])\n',
  '@pytest.mark.parametrize("a,b", [(1, 2), pytest.param(3, 4, id="x")], ids=["p", "q"])\n',
  'class TestX:\n    ',
  'def test_x(self):\n        pass\n',
  'async def test_y():\n',
  '"""',
  "'''",
  '"',
  '\\\n',
  '(',
  ')',
  '[',
  '{',
  '#',
  'b"\\xff"',
  'r"\\"',
  '"\\N{DASH}"',
  '"\\U0001f389"',
  '0x_1',
  '1e999',
  '-',
  '\t',
  '    ',
  '\u00a0',
  'unittest.TestCase',
  '__test__ = False\n',
];

describe('fuzz: pytest static read', () => {
  it('pytest.ini: rules, then the rules applied to names and paths', () => {
    fuzz({
      name: 'pytest.ini',
      samples: iniSamples,
      tokens: [
        '[pytest]\n',
        'python_files = ',
        'testpaths =\n  ',
        '=',
        ':',
        '[',
        ']',
        '#',
        ';',
        '*',
        '[!a-]',
        '{',
        '\n    x',
      ],
      parse: (text) => {
        const r = rulesFromIniText(text, '/ws/pytest.ini');
        if (r.kind !== 'ok') return r;
        const { rules } = r;
        // The rules' patterns go through the glob engine: a hostile pattern must not throw or hang there.
        return {
          r,
          file: isTestFile('a/test_x.py', rules.pythonFiles),
          cls: matchesRule('TestThing', rules.pythonClasses),
          fn: matchesRule('test_thing', rules.pythonFunctions),
        };
      },
      growth: 8,
    });
  });

  it('Python source: logical lines', () => {
    fuzz({
      name: 'pythonLines',
      samples: pythonSamples,
      tokens: PY_TOKENS,
      parse: logicalLines,
      check: (lines) => {
        for (const l of lines)
          assert.ok(l.start <= l.end, `line ${l.start} ends before it starts (${l.end})`);
      },
      growth: 32,
    });
  });

  it('Python source: outline', () => {
    fuzz({ name: 'sourceOutline', samples: pythonSamples, tokens: PY_TOKENS, parse: outline, growth: 8 });
  });

  it('Python source: the static reader, parametrize ids included', () => {
    fuzz({
      name: 'staticReader',
      samples: pythonSamples,
      tokens: PY_TOKENS,
      parse: (src) => {
        const tests = readTests(src, 'tests/test_x.py', DEFAULT_RULES);
        return leafIds(tests);
      },
      growth: 16,
    });
  });

  it('Python literals and parametrize marks', () => {
    const marks = pythonSamples.flatMap((s) => s.match(/(?<=@)[\w.]*parametrize\([^@]*?\)\n/g) ?? []);
    fuzz({
      name: 'pythonLiteral',
      samples: marks,
      tokens: PY_TOKENS,
      // One mark: stacked marks multiply, up to MAX_CASES (a bound the unit tests check, not linear in the input).
      parse: (text) => ({ call: parseCall(text), ids: parametrizeIds([text]) }),
      growth: 16,
    });
  });

  it('globs: tests.include against paths, fnmatch against names', () => {
    fuzz({
      name: 'glob',
      samples: [
        '**/tests/integration/**/*.py',
        'test_*.py',
        '*_test.py',
        'src/{a,b}/**/[!_]*.py',
        'check_[a-z]?.py',
      ],
      tokens: ['*', '**', '**/', '?', '[', ']', '[!', '{', '}', ',', '/', '\\', '.', '[z-a]', '{a,{b,c}}'],
      parse: (pattern) => {
        const paths = [
          'backend/tests/integration/test_a.py',
          'a/b',
          '',
          'x'.repeat(200),
          `${'a/'.repeat(50)}b.py`,
        ];
        const glob = compileGlob(pattern);
        return paths.map((p) => [glob.test(p), fnmatch(p, pattern)]);
      },
    });
  });
});
