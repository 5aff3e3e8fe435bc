import * as assert from 'node:assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { discoverFolder } from '../../../src/core/pytest/discovery';
import { collectRootdir } from '../../../src/core/pytest/headless';
import { reconcile } from '../../../src/core/pytest/reconcile';
import { fixtureCopyWithBrokenFiles, PLUGIN_DIR, SYSTEM_PYTHON } from './pytestHelpers';

describe('collection errors at the line in the test file (real pytest, cwd is not the rootdir)', function () {
  this.timeout(120_000);
  let fx: ReturnType<typeof fixtureCopyWithBrokenFiles>;
  before(() => (fx = fixtureCopyWithBrokenFiles()));
  after(() => rmSync(fx.root, { recursive: true, force: true }));

  it('a syntax error and an import error each show on their file, at their line', async () => {
    const ini = join(fx.dir, 'pytest.ini');
    const files = (await discoverFolder(fx.root, '**/tests/integration/**/*.py')).filter(
      (f) => f.ini === ini,
    );
    const settings = {
      command: `${SYSTEM_PYTHON} -m pytest`,
      interpreter: SYSTEM_PYTHON,
      extraArgs: [],
      env: { PYTHONDONTWRITEBYTECODE: '1' },
      cwd: fx.root,
    };
    const outcome = await collectRootdir({ ini, settings, files, pluginDir: PLUGIN_DIR });
    assert.strictEqual(outcome.kind, 'collected', outcome.kind === 'failed' ? outcome.problem : '');
    if (outcome.kind !== 'collected') return;
    assert.match(outcome.launch.display, /-c backend\/oracles\/tests\/integration\/pytest\.ini/);
    assert.strictEqual(outcome.errors, 2);
    for (const [fileId, line, what] of [
      ['test_syntax_error.py', fx.syntaxLine, /^SyntaxError: '\(' was never closed/],
      ['test_import_error.py', fx.importLine, /^ImportError: cannot import name 'no_such_helper'/],
    ] as const) {
      const e = outcome.collection.errors.get(fileId);
      assert.ok(e, `an error for ${fileId}`);
      assert.strictEqual(e.file, join(fx.dir, fileId), 'the test file itself, absolute');
      assert.ok(existsSync(e.file!), 'a path that exists');
      assert.strictEqual(e.line, line);
      assert.match(e.summary ?? '', what);
    }
    const views = reconcile({
      workspace: fx.root,
      include: '**/tests/integration/**/*.py',
      files,
      collections: new Map([[ini, outcome.collection]]),
    });
    const syntax = views.find((v) => v.fileId === 'test_syntax_error.py')!;
    assert.strictEqual(syntax.error?.line, fx.syntaxLine);
    const source = readFileSync(syntax.path, 'utf8').split('\n');
    assert.strictEqual(source[syntax.error!.line! - 1], '    x = (1,', 'the line the person must fix');
    assert.match(syntax.error!.message, /^test_syntax_error\.py, line 5: SyntaxError/);
    const imported = views.find((v) => v.fileId === 'test_import_error.py')!;
    assert.strictEqual(imported.error?.line, fx.importLine);
    assert.ok(
      views.filter((v) => !v.error).some((v) => v.tests.length),
      'the other files keep their collected tests',
    );
  });
});
