import { basename, join, relative } from 'node:path';
import { indexNodes, nodesFromCollection, type CollectionError, type CollectionResult } from './collection';
import { toPosix, type DiscoveredFile } from './discovery';
import { compileGlob } from '../glob';
import { stripVTControlCharacters } from 'node:util';
import type { TestNode } from './staticReader';

/** Why a file shows no tests: it cannot be read, its pytest.ini is invalid, or pytest could not import it. */
interface FileError {
  /** What went wrong, in one line (`SyntaxError: '(' was never closed`). */
  summary: string;
  /** For the file's item: where, what, then pytest's report. */
  message: string;
  /** 1-based line in this file (a syntax error, the failing import); null when not known. */
  line: number | null;
}

/** A file as the Testing view and `discover --collect` show it: the static read, or pytest's when fresher. */
export interface FileView {
  path: string;
  ini: string | undefined;
  rootdir: string;
  /** Path relative to the rootdir, `/`-separated. */
  fileId: string;
  tests: TestNode[];
  error?: FileError;
}

/** pytest's collection of one rootdir, by file id, with the static read's ranges kept where they agree. */
export interface RootdirCollection {
  byFile: Map<string, TestNode[]>;
  errors: Map<string, CollectionError>;
}

/** Folds one collection session into the shape the merge takes. */
export function rootdirCollection(
  result: CollectionResult,
  staticFiles: readonly DiscoveredFile[],
): RootdirCollection {
  const staticNodes = new Map<string, TestNode>();
  for (const f of staticFiles) indexNodes(f.tests, staticNodes);
  const errors = new Map<string, CollectionError>();
  for (const e of result.errors) errors.set(e.nodeid, e);
  return { byFile: nodesFromCollection(result.tests, staticNodes), errors };
}

/**
 * The error a file's item shows for a collection error: the line in the file itself (the plugin finds it
 * from the exception), never a line inside pytest, never a path relative to some other folder.
 */
export function fileErrorOf(e: CollectionError, path: string): FileError {
  const report = stripVTControlCharacters(e.message).trim();
  const what =
    e.summary ??
    report
      .split('\n')
      .filter((l) => l.trim())
      .pop() ??
    'pytest could not import it';
  const line = e.file && e.line !== null && samePath(e.file, path) ? e.line : null;
  const where = line === null ? `${basename(path)} could not be imported` : `${basename(path)}, line ${line}`;
  return { summary: what, message: `${where}: ${what}\n\n${report}`, line };
}

function samePath(a: string, b: string): boolean {
  return toPosix(a) === toPosix(b);
}

interface ReconcileInput {
  /** The workspace folder: `include` is relative to it. */
  workspace: string;
  /** The `tests.include` glob: files pytest knows but the static read does not are shown only when it matches. */
  include: string;
  /** The static read. */
  files: Iterable<DiscoveredFile>;
  /** pytest's collections by pytest.ini. */
  collections: ReadonlyMap<string, RootdirCollection>;
  /** Whether a collection saw this version of the file (the extension's edits since make it stale). */
  fresh?: (file: DiscoveredFile, ini: string) => boolean;
  /**
   * Whether a file the static read no longer has was removed after this collection was taken: pytest's
   * older view of it must not bring it back (a deletion whose collection failed or is still running).
   */
  removedSince?: (path: string, fileId: string, ini: string) => boolean;
}

/**
 * The tree the Testing view ends with: the static read, each file replaced by pytest's collection when that
 * is as fresh, collection errors on their files, and files only pytest knows (a conftest hook's tests).
 */
export function reconcile(input: ReconcileInput): FileView[] {
  const views: FileView[] = [];
  const known = new Set<string>();
  for (const f of input.files) {
    known.add(f.path);
    const view: FileView = { path: f.path, ini: f.ini, rootdir: f.rootdir, fileId: f.fileId, tests: f.tests };
    if (f.problem) view.error = { summary: f.problem, message: f.problem, line: null };
    const c = f.ini ? input.collections.get(f.ini) : undefined;
    // A fresh collection wins over the static read, its problem included: a file deleted since the read
    // ("Cannot read …") leaves the tree once pytest, which no longer sees it, has collected again.
    if (c && f.ini && (input.fresh?.(f, f.ini) ?? true)) {
      const error = c.errors.get(f.fileId);
      if (error) view.error = fileErrorOf(error, f.path);
      else {
        const collected = c.byFile.get(f.fileId);
        // pytest collected nothing here: every test in it is deselected (or it holds none).
        if (!collected) continue;
        view.tests = collected;
      }
    }
    views.push(view);
  }
  // Errors show only on files the static read knows: a deleted file's error must not outlive the file until
  // the next collection. Python files outside the include pattern were left out on purpose.
  const included = compileGlob(input.include);
  const wanted = (path: string) =>
    !known.has(path) && !(path.endsWith('.py') && !included.test(toPosix(relative(input.workspace, path))));
  for (const [ini, c] of input.collections) {
    const rootdir = join(ini, '..');
    for (const [fileId, tests] of c.byFile) {
      const path = join(rootdir, fileId);
      if (!wanted(path) || input.removedSince?.(path, fileId, ini)) continue;
      known.add(path);
      views.push({ path, ini, rootdir, fileId: toPosix(fileId), tests });
    }
  }
  // By code point, not localeCompare: the first call of that loads ICU's collator (20-30 ms at activation),
  // and the Testing view sorts the items itself.
  return views.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
