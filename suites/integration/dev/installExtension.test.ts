import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../pytest/pytestHelpers';

type InstallExtension = (root: string, extensionsDir: string) => string;

/** suites/host/installExtension.mjs, which npm start and its UI test use (an ES module, loaded as one). */
async function loadInstaller(): Promise<InstallExtension> {
  const url = pathToFileURL(join(REPO_ROOT, 'suites/host/installExtension.mjs')).href;
  return ((await import(url)) as { installExtension: InstallExtension }).installExtension;
}

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

describe('npm start installs the extension as its VSIX would', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'cit-install-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('copies exactly the files `vsce ls` packages into <publisher>.<name>-<version>', async () => {
    const installExtension = await loadInstaller();
    const folder = installExtension(REPO_ROOT, tempDir());
    assert.match(folder, /codespace-tools\.codespace-integration-tests-\d+\.\d+\.\d+$/);
    const packaged = execFileSync(join(REPO_ROOT, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .sort();
    assert.ok(packaged.includes('out/extension.js'), `vsce lists the bundle (${packaged.join(', ')})`);
    assert.deepStrictEqual(filesIn(folder), packaged);
  });

  it('says to build first when out/ has no bundle', async () => {
    const installExtension = await loadInstaller();
    const root = tempDir();
    mkdirSync(join(root, 'media'));
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ publisher: 'p', name: 'n', version: '1.0.0', main: './out/extension.js' }),
    );
    writeFileSync(join(root, '.vscodeignore'), '**\n!package.json\n');
    const extensions = tempDir();
    assert.throws(() => installExtension(root, extensions), /not built .*run "node esbuild\.mjs" first/);
    assert.deepStrictEqual(readdirSync(extensions), []);
  });
});
