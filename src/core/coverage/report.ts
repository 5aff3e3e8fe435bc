import { resolve } from 'node:path';

/**
 * coverage.py's JSON report (`coverage json --show-contexts`, format of coverage 6 and 7) as per-file data:
 * statements, branches where coverage.py measured them, and which tests (contexts, the node ids the plugin
 * switched to) ran each line. Read by the Coverage profile and `codespace-tests run --coverage`.
 */

export interface Counts {
  covered: number;
  total: number;
}

/** One branch: the arc from `line` to `to` (negative: the exit of the code object starting there). */
export interface Branch {
  line: number;
  to: number;
  executed: boolean;
}

export interface FileCoverageData {
  /** Absolute. */
  path: string;
  /** Executed and missed statement lines, ascending. */
  executed: number[];
  missing: number[];
  statements: Counts;
  /** When coverage.py measured branches. */
  branches?: Counts;
  branchArcs: Branch[];
  /** The tests (node ids) that ran each line; empty when the run was not split by test. */
  contexts: Map<number, string[]>;
}

export interface CoverageReport {
  files: FileCoverageData[];
  /** The run was split test by test (contexts other than the empty one). */
  byTest: boolean;
}

interface JsonFile {
  executed_lines?: number[];
  missing_lines?: number[];
  summary?: {
    covered_lines?: number;
    num_statements?: number;
    num_branches?: number;
    covered_branches?: number;
  };
  executed_branches?: [number, number][];
  missing_branches?: [number, number][];
  contexts?: Record<string, string[]>;
}

/** Paths in the report are relative to the folder `coverage json` ran in (`cwd`), or absolute. */
export function parseCoverageJson(text: string, cwd: string): CoverageReport {
  const json = JSON.parse(text) as { files?: Record<string, JsonFile>; meta?: { branch_coverage?: boolean } };
  if (!json || typeof json !== 'object' || typeof json.files !== 'object' || json.files === null)
    throw new Error('not a coverage.py JSON report (no "files")');
  const files: FileCoverageData[] = [];
  let byTest = false;
  for (const [name, f] of Object.entries(json.files)) {
    const executed = numbers(f.executed_lines);
    const missing = numbers(f.missing_lines);
    const contexts = new Map<number, string[]>();
    for (const [line, names] of Object.entries(f.contexts ?? {})) {
      const tests = (Array.isArray(names) ? names : []).filter((n) => typeof n === 'string' && n !== '');
      if (tests.length) {
        contexts.set(Number(line), tests);
        byTest = true;
      }
    }
    const arcs = (list: unknown, executed: boolean): Branch[] =>
      (Array.isArray(list) ? list : [])
        .filter((a): a is [number, number] => Array.isArray(a) && a.length === 2)
        .map(([line, to]) => ({ line, to, executed }));
    const s = f.summary ?? {};
    files.push({
      path: resolve(cwd, name),
      executed,
      missing,
      statements: {
        covered: s.covered_lines ?? executed.length,
        total: s.num_statements ?? executed.length + missing.length,
      },
      branches:
        json.meta?.branch_coverage && s.num_branches !== undefined
          ? { covered: s.covered_branches ?? 0, total: s.num_branches }
          : undefined,
      branchArcs: [...arcs(f.executed_branches, true), ...arcs(f.missing_branches, false)].sort(
        (a, b) => a.line - b.line || a.to - b.to,
      ),
      contexts,
    });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, byTest };
}

function numbers(list: unknown): number[] {
  return (Array.isArray(list) ? list : [])
    .filter((n): n is number => Number.isInteger(n))
    .sort((a, b) => a - b);
}

/** The tests that ran at least one line of the file. */
export function testsCovering(file: FileCoverageData): string[] {
  const tests = new Set<string>();
  for (const names of file.contexts.values()) for (const n of names) tests.add(n);
  return [...tests].sort();
}

/** The lines of the file one test ran. */
export function linesOfTest(file: FileCoverageData, nodeid: string): number[] {
  return [...file.contexts]
    .filter(([, names]) => names.includes(nodeid))
    .map(([line]) => line)
    .sort((a, b) => a - b);
}

/** The CLI's `coverage` summary: per file (relative to `base` when under it), lines covered and total. */
export function coverageSummary(
  report: CoverageReport,
  relativeTo: (path: string) => string,
): { file: string; covered: number; total: number; branches?: Counts }[] {
  return report.files.map((f) => ({
    file: relativeTo(f.path),
    covered: f.statements.covered,
    total: f.statements.total,
    ...(f.branches ? { branches: f.branches } : {}),
  }));
}
