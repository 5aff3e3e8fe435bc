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

/** Watches a run for what a tier forbids; each failure it reports counts as one failed test. */
export interface Audit {
  running(file: string | undefined, title: string): void;
  failures(): string[];
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
  audit?: Audit;
}): Promise<SuiteCounts> {
  // Loaded at run time: in the extension host, from the repository's node_modules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha') as typeof import('mocha');
  const print = options.print ?? ((...a: unknown[]) => console.log(...a));
  // Mocha keeps the console.log it saw when first loaded; look it up at call time instead.
  (Mocha.reporters.Base as unknown as { consoleLog: typeof console.log }).consoleLog = print;
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: options.timeoutMs,
    color: options.color ?? true,
    reporter: 'spec',
  });
  if (options.grep) mocha.grep(options.grep);
  for (const f of options.files) mocha.addFile(f);
  const finish = (counts: SuiteCounts) => {
    for (const failure of options.audit?.failures() ?? []) {
      print(`  ${options.suite}: ${failure}`);
      counts.failed += 1;
    }
    if (options.resultsFile) {
      mkdirSync(dirname(options.resultsFile), { recursive: true });
      writeFileSync(options.resultsFile, JSON.stringify(counts));
    }
    return counts;
  };
  return new Promise((resolve) => {
    let runner: ReturnType<typeof mocha.run>;
    try {
      runner = mocha.run();
    } catch (e) {
      // A test file that throws while loading: report it instead of leaving the run without results.
      print(`  ${options.suite}: a test file failed to load: ${(e as Error).stack ?? e}`);
      resolve(finish({ suite: options.suite, passed: 0, failed: 1, pending: 0 }));
      return;
    }
    const audit = options.audit;
    if (audit) {
      runner.on('hook', (h) => audit.running(h.file, h.fullTitle()));
      runner.on('test', (t) => audit.running(t.file, t.fullTitle()));
    }
    runner.on('end', () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      resolve(finish({ suite: options.suite, passed: s.passes, failed: s.failures, pending: s.pending }));
    });
  });
}
