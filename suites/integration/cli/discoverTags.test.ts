import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support';

interface Listed {
  tests: { nodeid: string; tags: string[]; needs?: string[] }[];
  files: { tests: { nodeid: string; tags: string[]; children: { nodeid: string; tags: string[] }[] }[] }[];
}

const TEST_FILE = `import pytest

pytestmark = pytest.mark.integration


@pytest.mark.victoria_metrics
def test_reads_metrics():
    pass


@pytest.mark.parametrize("size", ["s", "l"])
def test_sizes(size):
    pass


class TestGpu:
    pytestmark = [pytest.mark.gpu, pytest.mark.slow]

    def test_deploy(self):
        pass
`;

describe('codespace-tests discover --json: each test with its tags', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cit-tags-'));
    const tests = join(dir, 'tests/integration');
    mkdirSync(tests, { recursive: true });
    mkdirSync(join(dir, '.vscode'));
    writeFileSync(
      join(tests, 'pytest.ini'),
      '[pytest]\nmarkers =\n    integration: x\n    victoria_metrics: x\n    gpu: x\n    slow: x\n    from_hook: x\n',
    );
    writeFileSync(join(tests, 'test_tagged.py'), TEST_FILE);
    // A marker only pytest knows: `--collect` brings it, the static read cannot.
    writeFileSync(
      join(tests, 'conftest.py'),
      'import pytest\n\ndef pytest_collection_modifyitems(items):\n    for item in items:\n        if item.name == "test_sizes[l]":\n            item.add_marker(pytest.mark.from_hook)\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const settings = (values: Record<string, unknown>) =>
    writeFileSync(
      join(dir, '.vscode/settings.json'),
      JSON.stringify({ 'codespaceTests.python.interpreter': '/usr/bin/python3', ...values }),
    );
  const tagsOf = (out: Listed) => Object.fromEntries(out.tests.map((t) => [t.nodeid, t.tags]));

  it('the static read: markers as tags, and needs-component with the part under the default needsComponent', async () => {
    settings({});
    const r = await runCli(['discover', '--json', dir]);
    assert.strictEqual(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Listed;
    assert.deepStrictEqual(tagsOf(out), {
      'test_tagged.py::test_reads_metrics': ['integration', 'victoria_metrics', 'needs-component'],
      'test_tagged.py::test_sizes[s]': ['integration'],
      'test_tagged.py::test_sizes[l]': ['integration'],
      'test_tagged.py::TestGpu::test_deploy': ['gpu', 'integration', 'slow'],
    });
    assert.deepStrictEqual(out.tests.find((t) => t.nodeid.endsWith('test_reads_metrics'))?.needs, [
      'Victoria Metrics',
    ]);
    assert.ok(
      !out.tests.some((t) => t.nodeid.includes('test_sizes') && 'needs' in t),
      'needs only where some',
    );
    // The tree has them too; a class carries none of its own (its tests do).
    const cls = out.files[0].tests.find((t) => t.nodeid.endsWith('::TestGpu'))!;
    assert.deepStrictEqual(cls.tags, []);
    assert.deepStrictEqual(cls.children[0].tags, ['gpu', 'integration', 'slow']);
  });

  it('--collect: the hook-added marker too; a workspace mapping of its own replaces the default parts', async () => {
    settings({ 'codespaceTests.tests.needsComponent': { gpu: 'a GPU node' } });
    const r = await runCli(['discover', '--collect', '--json', dir]);
    assert.strictEqual(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Listed;
    assert.deepStrictEqual(tagsOf(out), {
      'test_tagged.py::test_reads_metrics': ['integration', 'victoria_metrics'],
      'test_tagged.py::test_sizes[s]': ['integration'],
      'test_tagged.py::test_sizes[l]': ['from_hook', 'integration'],
      'test_tagged.py::TestGpu::test_deploy': ['gpu', 'integration', 'slow', 'needs-component'],
    });
    assert.deepStrictEqual(out.tests.find((t) => t.nodeid.endsWith('test_deploy'))?.needs, ['a GPU node']);
  });
});
