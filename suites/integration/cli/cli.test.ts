import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureCopyWithBrokenFiles } from '../pytest/pytestHelpers';
import { runCli } from '../support';

describe('codespace-tests CLI (the built out/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    // 50 files of 100 tests: about 1 MB of JSON, far more than a pipe holds.
    dir = mkdtempSync(join(tmpdir(), 'cit-cli-'));
    const tests = join(dir, 'tests/integration');
    mkdirSync(tests, { recursive: true });
    writeFileSync(join(tests, 'pytest.ini'), '[pytest]\npython_files = test_*.py\n');
    for (let f = 1; f <= 50; f++) {
      let src = '';
      for (let t = 1; t <= 100; t++) src += `def test_case_${t}():\n    pass\n\n`;
      writeFileSync(join(tests, `test_file_${f}.py`), src);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('discover --json on 5,000 tests prints the whole JSON into a pipe', async () => {
    const r = await runCli(['discover', '--json', dir]);
    assert.strictEqual(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { tests: { nodeid: string }[] };
    assert.strictEqual(parsed.tests.length, 5000);
    assert.ok(parsed.tests.some((t) => t.nodeid === 'test_file_50.py::test_case_100'));
  });

  it('a wrong-typed setting is said on stderr, and its default used (tests.include given as a list)', async () => {
    mkdirSync(join(dir, '.vscode'), { recursive: true });
    writeFileSync(
      join(dir, '.vscode/settings.json'),
      '{ "codespaceTests.tests.include": ["**/test_file_1.py"] }',
    );
    try {
      const r = await runCli(['discover', '--json', dir]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /codespaceTests\.tests\.include should be a string, but it is a list \(\["\*\*\/test_file_1\.py"\]\): using its default/,
      );
      assert.strictEqual((JSON.parse(r.stdout) as { tests: unknown[] }).tests.length, 5000);
    } finally {
      rmSync(join(dir, '.vscode'), { recursive: true, force: true });
    }
  });

  it("--help lists every verb and each verb's flags", async () => {
    const r = await runCli(['--help']);
    assert.strictEqual(r.code, 0);
    for (const word of ['discover', 'run', '--json', '--collect', '--workspace', '--python', '--command'])
      assert.ok(r.stdout.includes(word), `--help names ${word}`);
  });

  it("each verb's --help describes its flags", async () => {
    const discover = await runCli(['discover', '--help']);
    assert.strictEqual(discover.code, 0);
    assert.match(discover.stdout, /^usage: codespace-tests discover/);
    assert.match(discover.stdout, /--collect\s+also run pytest --collect-only/);
    const run = await runCli(['run', '--help']);
    assert.match(run.stdout, /--command CMD\s+the pytest command/);
  });

  it('an unknown flag or verb exits 2 and says where the help is', async () => {
    const flag = await runCli(['discover', '--no-such-flag']);
    assert.strictEqual(flag.code, 2);
    assert.match(flag.stderr, /Run "codespace-tests discover --help"/);
    const verb = await runCli(['frobnicate']);
    assert.strictEqual(verb.code, 2);
    assert.match(verb.stderr, /unknown verb "frobnicate"; the verbs are discover, run/);
  });

  it('run without node ids is a usage error', async () => {
    const r = await runCli(['run']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /run needs at least one node id/);
  });

  it('discover --collect --json prints the merged tree and each collection error with file and line', async () => {
    const fx = fixtureCopyWithBrokenFiles();
    try {
      // The team's layout: run from the repository root; the pytest.ini is deeper.
      const r = await runCli(['discover', '--collect', '--json'], { cwd: fx.root });
      assert.strictEqual(r.code, 1, 'a file failed to collect');
      const out = JSON.parse(r.stdout) as {
        collected: boolean;
        files: { fileId: string; error?: { line: number | null; summary: string } }[];
        tests: { nodeid: string; line: number | null }[];
        errors: { file: string; line: number | null; summary: string }[];
      };
      assert.strictEqual(out.collected, true);
      assert.deepStrictEqual(
        out.errors.map((e) => [e.file, e.line]),
        [
          [join(fx.dir, 'test_import_error.py'), fx.importLine],
          [join(fx.dir, 'test_syntax_error.py'), fx.syntaxLine],
        ],
      );
      assert.match(out.errors[1].summary, /^SyntaxError/);
      // pytest's ids (parametrized cases included), not only the static read's.
      assert.ok(out.tests.some((t) => t.nodeid === 'test_deploy.py::test_model_sizes[m]' && t.line));
    } finally {
      rmSync(fx.root, { recursive: true, force: true });
    }
  });
});
