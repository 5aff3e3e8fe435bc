import { sharedMarkers, tagMarkers } from './markers';
import type { CollectedTest, PluginEvent } from './protocol';
import type { TestNode } from './staticReader';

/** Splits a node id: `file.py::Class::test[case]` into its file, its names and its case id. */
export function splitNodeId(nodeid: string): { file: string; names: string[]; caseId: string | undefined } {
  const sep = nodeid.indexOf('::');
  if (sep < 0) return { file: nodeid, names: [], caseId: undefined };
  const rest = nodeid.slice(sep + 2);
  const bracket = rest.indexOf('[');
  const caseId = bracket >= 0 && rest.endsWith(']') ? rest.slice(bracket + 1, -1) : undefined;
  const names = (caseId === undefined ? rest : rest.slice(0, bracket)).split('::');
  return { file: nodeid.slice(0, sep), names, caseId };
}

/**
 * The tests of each file as pytest collected them, keeping the static read's ranges where the two agree,
 * so a corrected tree still has its gutter buttons on the right lines.
 */
export function nodesFromCollection(
  tests: readonly CollectedTest[],
  staticNodes: ReadonlyMap<string, TestNode>,
): Map<string, TestNode[]> {
  const files = new Map<string, TestNode[]>();
  const byId = new Map<string, TestNode>();
  const child = (parent: TestNode[], nodeid: string, make: () => TestNode): TestNode => {
    let n = byId.get(nodeid);
    if (!n) {
      n = make();
      byId.set(nodeid, n);
      parent.push(n);
    }
    return n;
  };
  // A parametrized function carries the markers all its cases share (a `pytest.param(marks=…)` is the case's own).
  const caseMarkers = new Map<TestNode, string[][]>();
  for (const t of tests) {
    const { file, names, caseId } = splitNodeId(t.nodeid);
    const markers = tagMarkers(t.markers ?? []);
    if (names.length === 0) continue;
    let list: TestNode[] = files.get(file) ?? [];
    if (!files.has(file)) files.set(file, list);
    const line = t.line === null ? undefined : t.line - 1;
    let id = file;
    names.forEach((name, i) => {
      id = `${id}::${name}`;
      const last = i === names.length - 1;
      const known = staticNodes.get(id);
      const range = known?.range ?? (last && line !== undefined ? { start: line, end: line } : undefined);
      const nodeid = id;
      const node = child(list, nodeid, () => ({
        kind: last ? 'function' : 'class',
        name,
        nodeid,
        range,
        children: [],
      }));
      list = node.children;
    });
    const fn = byId.get(id)!;
    if (caseId !== undefined) {
      child(list, t.nodeid, () => ({
        kind: 'case',
        name: caseId,
        nodeid: t.nodeid,
        range: fn.range,
        children: [],
        ...(markers.length ? { markers } : {}),
      }));
      const lists = caseMarkers.get(fn);
      if (lists) lists.push(markers);
      else caseMarkers.set(fn, [markers]);
    } else caseMarkers.set(fn, [markers]);
  }
  for (const [fn, lists] of caseMarkers) {
    const markers = sharedMarkers(lists);
    if (markers.length) fn.markers = markers;
  }
  return files;
}

/** Every node (classes, functions, cases) of a static read by node id. */
export function indexNodes(
  nodes: readonly TestNode[],
  into = new Map<string, TestNode>(),
): Map<string, TestNode> {
  for (const n of nodes) {
    into.set(n.nodeid, n);
    indexNodes(n.children, into);
  }
  return into;
}

/** A file pytest could not import: where (the plugin's structured location, never scraped text) and why. */
export type CollectionError = Omit<Extract<PluginEvent, { event: 'collectError' }>, 'event'>;

export interface CollectionResult {
  tests: CollectedTest[];
  errors: CollectionError[];
}

/** Folds a collection session's events into its result. */
export function collectionFromEvents(events: readonly PluginEvent[]): CollectionResult {
  const result: CollectionResult = { tests: [], errors: [] };
  for (const e of events) {
    if (e.event === 'collected') result.tests.push(...e.tests);
    else if (e.event === 'collectError')
      result.errors.push({
        nodeid: e.nodeid,
        file: e.file,
        line: e.line,
        message: e.message,
        ...(e.summary ? { summary: e.summary } : {}),
      });
  }
  return result;
}
