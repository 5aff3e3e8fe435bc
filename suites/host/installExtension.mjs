// Installs this repository's built extension into a VS Code server's extensions folder, as the VSIX would:
// the files .vscodeignore keeps, in a folder named `<publisher>.<name>-<version>`. Offline and without
// packaging; the server picks the folder up when it starts (it writes its extensions.json from it).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The `!pattern` lines of .vscodeignore (everything else is ignored by its `**`), as regular expressions. */
function packagedPatterns(root) {
  return readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('!'))
    .map((l) => {
      const glob = l.slice(1).replace(/^\/+/, '');
      const source = glob
        .split(/(\*\*|\*)/)
        .map((part) =>
          part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return new RegExp(`^${source}$`);
    });
}

/** Files under `dir` (relative to `root`), skipping folders no packaged file can be in. */
function* filesUnder(root, dir) {
  for (const name of readdirSync(join(root, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    if (['node_modules', '.git', '.cache', 'suites', 'src', '.artifacts'].includes(name)) continue;
    if (statSync(join(root, rel)).isDirectory()) yield* filesUnder(root, rel);
    else yield rel;
  }
}

/**
 * Copies the extension at `root` (built: out/extension.js) into `extensionsDir`. Returns its folder there.
 * Throws, saying what to run, when the build is missing.
 */
export function installExtension(root, extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const main = join(root, manifest.main);
  if (!existsSync(main.endsWith('.js') ? main : `${main}.js`))
    throw new Error(`The extension is not built (no ${relative(root, main)}): run "node esbuild.mjs" first.`);
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  const patterns = packagedPatterns(root);
  for (const rel of filesUnder(root, '')) {
    if (!patterns.some((p) => p.test(rel))) continue;
    mkdirSync(dirname(join(target, rel)), { recursive: true });
    cpSync(join(root, rel), join(target, rel));
  }
  return target;
}
