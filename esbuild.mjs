// The one build script: the extension bundle, the CLI, the webview bundle, and the test bundles.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, cpSync, mkdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function findTests(dir) {
  let out = [];
  if (!existsSync(dir)) return out;
  const entries = readdirSync(dir);
  for (const name of entries) {
    const full = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(full).isDirectory()) out = out.concat(findTests(full));
    else if (/\.(test|bench|fuzz)\.ts$/.test(name) || name === 'index.ts') out.push(full);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

const main = { extension: 'src/extension.ts' };
if (existsSync('src/cli.ts')) main.cli = 'src/cli.ts';
const builds = [{ ...common, entryPoints: main, outdir: 'out' }];
if (existsSync('media/logViewer.ts')) {
  builds.push({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { 'media/logViewer': 'media/logViewer.ts' },
    outdir: 'out',
  });
}
if (!production) {
  const tests = [
    ...findTests('suites/unit'),
    ...findTests('suites/integration'),
    ...findTests('suites/host'),
    ...findTests('suites/bench'),
    ...findTests('suites/dev'),
    ...findTests('suites/fuzz'),
  ];
  const entryPoints = Object.fromEntries(tests.map((t) => [relative('suites', t).replace(/\.ts$/, ''), t]));
  // mocha stays external: the host's run() loads it from node_modules.
  builds.push({
    ...common,
    entryPoints,
    outdir: 'out/suites',
    external: ['vscode', 'mocha', 'playwright-core'],
  });
}

// The pytest plugin ships beside the bundle.
mkdirSync('out/python', { recursive: true });
if (existsSync('src/core/pytest/python')) {
  cpSync('src/core/pytest/python', 'out/python', {
    recursive: true,
    filter: (s) => !s.includes('__pycache__'),
  });
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
