import * as assert from 'node:assert';
import {
  decideOverlap,
  determineConfig,
  ignoreArg,
  pyprojectSection,
  readCollectArgs,
  type ConfigFiles,
} from '../../../src/core/pytest/pythonExtension';
import { offeredPytestArgs } from '../../../src/core/doctor/fixes';
import { parseSettingsText, settingsTextWith } from '../../../src/core/settingsFile';
import type { CheckResult } from '../../../src/core/doctor/types';

/** A disk as a table: files with their text; every parent of a file is a folder. */
function disk(table: Record<string, string>): ConfigFiles {
  const dirs = new Set<string>();
  for (const p of Object.keys(table))
    for (let d = p.slice(0, p.lastIndexOf('/')); d; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
  return { read: (p) => table[p], isDir: (p) => dirs.has(p) };
}

const WS = '/ws';
const OURS = ['/ws/backend/oracles/tests/integration/test_deploy.py'];
const on = (over: { pytestArgs?: string[]; cwd?: string } = {}) => ({
  pytestEnabled: true,
  pytestArgs: [],
  cwd: '',
  ...over,
});

describe("Python extension discovery: pytest's rules read statically", () => {
  it('reads the arguments that decide collection, in both spellings', () => {
    assert.deepStrictEqual(
      readCollectArgs([
        '-c',
        'a.ini',
        '--rootdir=r',
        '--ignore',
        'x',
        '--ignore=y',
        '--ignore-glob=*.py',
        'tests',
      ]),
      { paths: ['tests'], inifile: 'a.ini', rootdir: 'r', ignores: ['x', 'y'], ignoreGlobs: ['*.py'] },
    );
    assert.strictEqual(
      readCollectArgs(['-x', '-vv', '--tb=short', '-p', 'no:cacheprovider']).unsure,
      undefined,
    );
    assert.match(readCollectArgs(['-m', 'not slow']).unsure!, /-m not slow/);
    assert.match(readCollectArgs(['-pxdist']).unsure!, /plugin xdist/);
    assert.match(readCollectArgs(['--weird', 'tests']).unsure!, /--weird tests/);
  });

  it('finds the config as locate_config does: pytest.ini even empty, setup.cfg only with [tool:pytest]', () => {
    const files = disk({
      '/ws/setup.cfg': '[metadata]\nname = x\n',
      '/ws/tox.ini': '[pytest]\ntestpaths = unit\n',
      '/ws/backend/pytest.ini': '',
    });
    assert.deepStrictEqual(
      [determineConfig(readCollectArgs([]), WS, files)].map((c) => [c.inifile, c.rootdir, c.testpaths]),
      [['/ws/tox.ini', '/ws', ['unit']]],
    );
    const nested = determineConfig(readCollectArgs([]), '/ws/backend', files);
    assert.deepStrictEqual(
      [nested.inifile, nested.rootdir, nested.testpaths],
      ['/ws/backend/pytest.ini', '/ws/backend', []],
    );
    const none = determineConfig(readCollectArgs([]), '/ws/x', disk({}));
    assert.deepStrictEqual([none.inifile, none.rootdir], [undefined, '/ws/x']);
  });

  it("reads pyproject.toml's [tool.pytest.ini_options]; a value it cannot follow is unsure", () => {
    const s = pyprojectSection(
      '[tool.pytest.ini_options]\ntestpaths = [\n  "a",\n  \'b c\', # x\n]\naddopts = "-q"\n[x]\ntestpaths = "no"\n',
    );
    assert.deepStrictEqual(
      [...s!.values],
      [
        ['testpaths', '"a" "b c"'],
        ['addopts', '"-q"'],
      ],
    );
    assert.strictEqual(pyprojectSection('[tool.black]\n'), undefined);
    assert.match(pyprojectSection('[tool.pytest.ini_options]\ntestpaths = {a = 1}\n')!.unsure!, /testpaths/);
    assert.strictEqual(pyprojectSection('[tool.pytest.ini_options]\ntimeout = 300\n')!.unsure, undefined);
  });

  it('overlap: the cwd or testpaths above our files; apart: testpaths elsewhere, --ignore, a cwd elsewhere', () => {
    const root = disk({ '/ws/pytest.ini': '[pytest]\n' });
    assert.deepStrictEqual((decideOverlap(on(), WS, OURS, root) as { files: string[] }).files, OURS);
    const unit = disk({ '/ws/pytest.ini': '[pytest]\ntestpaths = backend/applications\n' });
    assert.strictEqual(decideOverlap(on(), WS, OURS, unit).kind, 'apart');
    // testpaths apply only when pytest runs in the rootdir.
    assert.strictEqual(decideOverlap(on({ cwd: 'backend' }), WS, OURS, unit).kind, 'overlap');
    assert.strictEqual(
      decideOverlap(on({ pytestArgs: ['--ignore=backend/oracles'] }), WS, OURS, root).kind,
      'apart',
    );
    assert.strictEqual(
      decideOverlap(on({ pytestArgs: ['--ignore-glob=*/integration/*'] }), WS, OURS, root).kind,
      'apart',
    );
    assert.strictEqual(
      decideOverlap(on({ cwd: '${workspaceFolder}/frontend' }), WS, OURS, root).kind,
      'apart',
    );
    assert.strictEqual(
      decideOverlap(on({ pytestArgs: ['backend/applications'] }), WS, OURS, root).kind,
      'apart',
    );
    const addopts = disk({ '/ws/pytest.ini': '[pytest]\naddopts = --ignore backend/oracles/tests\n' });
    assert.strictEqual(decideOverlap(on(), WS, OURS, addopts).kind, 'apart');
  });

  it("python_files and norecursedirs of the root config, not the integration folder's", () => {
    const files = disk({ '/ws/pytest.ini': '[pytest]\npython_files = check_*.py\n' });
    assert.strictEqual(decideOverlap(on(), WS, OURS, files).kind, 'apart');
    const norecurse = disk({ '/ws/pytest.ini': '[pytest]\nnorecursedirs = oracles\n' });
    assert.strictEqual(decideOverlap(on(), WS, OURS, norecurse).kind, 'apart');
  });

  it('unsure when only pytest knows: -m, a glob in testpaths, a conftest with collect_ignore; off when disabled', () => {
    const root = disk({
      '/ws/pytest.ini': '[pytest]\n',
      '/ws/backend/conftest.py': 'collect_ignore = ["x"]\n',
    });
    assert.strictEqual(decideOverlap(on({ pytestArgs: ['-m', 'unit'] }), WS, OURS, root).kind, 'unsure');
    assert.match((decideOverlap(on(), WS, OURS, root) as { why: string }).why, /backend\/conftest\.py/);
    const glob = disk({ '/ws/pytest.ini': '[pytest]\ntestpaths = */tests\n' });
    assert.strictEqual(decideOverlap(on(), WS, OURS, glob).kind, 'unsure');
    assert.strictEqual(decideOverlap({ ...on(), pytestEnabled: false }, WS, OURS, root).kind, 'off');
  });

  it('--ignore is relative to the cwd pytest runs in', () => {
    assert.strictEqual(
      ignoreArg('/ws/backend/oracles/tests/integration', '/ws'),
      '--ignore=backend/oracles/tests/integration',
    );
    assert.strictEqual(ignoreArg('/ws/backend/x', '/ws/frontend'), '--ignore=/ws/backend/x');
  });
});

describe("Python extension discovery: the fix's change to the settings file", () => {
  it('sets pytestArgs and keeps the comments and the other settings', () => {
    const before =
      '{\n  // ours\n  "codespaceTests.python.interpreter": "/usr/bin/python3",\n  "python.testing.pytestArgs": ["-x"],\n}\n';
    const after = settingsTextWith(before, 'python.testing.pytestArgs', ['-x', '--ignore=a']);
    assert.match(after, /\/\/ ours/);
    const values = parseSettingsText(after).values;
    assert.deepStrictEqual(values.get('python.testing.pytestArgs'), ['-x', '--ignore=a']);
    assert.strictEqual(values.get('codespaceTests.python.interpreter'), '/usr/bin/python3');
    assert.deepStrictEqual(parseSettingsText(settingsTextWith('', 'k', ['a'])).values.get('k'), ['a']);
  });

  it('the fix command takes only the pytestArgs the doctor offered', () => {
    const fix = {
      text: '',
      command: 'codespaceTests.doctor.ignoreInPythonTests',
      args: ['/ws', ['--ignore=a']],
    };
    const checks = [
      { id: 'python.extensionDiscovery', title: '', status: 'warn', message: '', fix },
    ] as CheckResult[];
    assert.deepStrictEqual(offeredPytestArgs(checks, ['/ws', ['--ignore=a']]), ['--ignore=a']);
    assert.strictEqual(offeredPytestArgs(checks, ['/ws', ['--ignore=a', '-p', 'evil']]), undefined);
    assert.strictEqual(offeredPytestArgs(checks, ['/other', ['--ignore=a']]), undefined);
  });
});
