// The one build script: the extension bundle, the CLI, the webview bundle, and the test bundles.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, statSync, cpSync, mkdirSync, existsSync } from 'node:fs';
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

// The heavy libraries are bundles of their own under out/lazy/, required on first use. Activation
// loads only a stub per library: a getter per name that src/ imports from it (found below), each
// requiring the library's bundle the first time it is read.
const LAZY = {
  axios: 'axios',
  '@kubernetes/client-node': 'kubernetes-client-node',
  'js-yaml': 'js-yaml',
  yaml: 'yaml',
};
const lazyNames = Object.fromEntries(Object.keys(LAZY).map((pkg) => [pkg, importedNames(pkg)]));

/** The names src/ imports at run time from `pkg` (`default` for a default import). */
function importedNames(pkg) {
  const names = new Set();
  const from = new RegExp(`import\\s+(?!type\\s)([^;]*?)\\s+from\\s+'${pkg.replace(/[/.]/g, '\\$&')}'`, 'g');
  for (const file of findSources('src')) {
    for (const [, clause] of readFileSync(file, 'utf8').matchAll(from)) {
      if (clause.includes('*'))
        throw new Error(
          `${file}: import names from ${pkg}, not a namespace: it is loaded lazily (esbuild.mjs)`,
        );
      const [head, braces] = clause.split('{');
      if (head.replace(',', '').trim()) names.add('default');
      for (const n of (braces ?? '').replace('}', '').split(',')) {
        const name = n.trim();
        if (name && !name.startsWith('type ')) names.add(name.split(/\s+as\s+/)[0]);
      }
    }
  }
  return [...names].sort();
}

function findSources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? findSources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const lazyBuilds = Object.entries(LAZY).map(([pkg, name]) => ({
  ...common,
  sourcemap: false,
  stdin: {
    contents: `export { ${lazyNames[pkg].join(', ')} } from ${JSON.stringify(pkg)};`,
    resolveDir: '.',
  },
  outfile: `out/lazy/${name}.js`,
}));
const lazyStubs = {
  name: 'lazy-libraries',
  setup(build) {
    const filter = new RegExp(
      `^(${Object.keys(LAZY)
        .map((p) => p.replace(/[/.]/g, '\\$&'))
        .join('|')})$`,
    );
    build.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({
      contents: `let real;
const load = () => (real ??= require(require('node:path').join(__dirname, 'lazy', ${JSON.stringify(`${LAZY[a.path]}.js`)})));
Object.defineProperty(exports, '__esModule', { value: true });
for (const name of ${JSON.stringify(lazyNames[a.path])})
  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });
`,
      loader: 'js',
    }));
  },
};

const main = { extension: 'src/extension.ts' };
const builds = [{ ...common, entryPoints: main, outdir: 'out', plugins: [lazyStubs] }, ...lazyBuilds];
if (existsSync('src/cli.ts')) builds.push({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'out' });
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
    // The host benchmark's runner writes the 5,000-test corpus into the workspace before the window opens.
    'suites/bench/corpus.ts',
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
