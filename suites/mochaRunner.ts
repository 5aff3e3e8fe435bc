import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Counts of one suite run, written where the top-level runner sums them. */
export interface SuiteCounts {
  suite: string;
  passed: number;
  failed: number;
  pending: number;
}

export function findCompiledTests(dir: string, filter?: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(findCompiledTests(full, filter));
    else if (name.endsWith('.test.js') && (!filter || full.includes(filter))) out.push(full);
  }
  return out.sort();
}

/** Runs mocha on compiled test files; resolves with the counts (also written to `resultsFile`). */
export function runMocha(options: {
  suite: string;
  files: string[];
  timeoutMs: number;
  resultsFile?: string;
  grep?: string;
  color?: boolean;
  print?: (...args: unknown[]) => void;
}): Promise<SuiteCounts> {
  // Loaded at run time: in the extension host, from the repository's node_modules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha') as typeof import('mocha');
  // Mocha keeps the console.log it saw when first loaded; look it up at call time instead.
  (Mocha.reporters.Base as unknown as { consoleLog: typeof console.log }).consoleLog =
    options.print ?? ((...a) => console.log(...a));
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: options.timeoutMs,
    color: options.color ?? true,
    reporter: 'spec',
  });
  if (options.grep) mocha.grep(options.grep);
  for (const f of options.files) mocha.addFile(f);
  return new Promise((resolve) => {
    const runner = mocha.run();
    runner.on('end', () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const counts: SuiteCounts = {
        suite: options.suite,
        passed: s.passes,
        failed: s.failures,
        pending: s.pending,
      };
      if (options.resultsFile) {
        mkdirSync(dirname(options.resultsFile), { recursive: true });
        writeFileSync(options.resultsFile, JSON.stringify(counts));
      }
      resolve(counts);
    });
  });
}
