import * as vscode from 'vscode';
import { dirname, relative } from 'node:path';
import type { FileView } from '../core/pytest/reconcile';
import type { TestNode } from '../core/pytest/staticReader';
import { neededComponents } from '../core/pytest/markers';
import { itemData, testItemId, type ItemData } from './itemData';
import { showLook } from './itemLook';

interface Desired {
  id: string;
  label: string;
  uri?: vscode.Uri;
  range?: vscode.Range;
  error?: string;
  data: ItemData;
  children: Desired[];
  sortText?: string;
}

/**
 * Updates the controller's items in place to show `files`: items that stay keep their identity, so
 * the tree neither flickers nor loses what was expanded when the collection corrects the static read.
 * Returns the milliseconds spent inside VS Code's API: creating the items and setting their properties,
 * attaching them (`replace`). That is VS Code's own cost, apart from the extension's, in the log line
 * and the tree benchmark.
 */
export function syncTree(
  controller: vscode.TestController,
  workspaceDir: string,
  files: readonly FileView[],
  needsComponent: Readonly<Record<string, string>>,
): number {
  const inVsCode = { ms: 0 };
  replaceChildren(controller, controller.items, buildDesired(workspaceDir, files, needsComponent), inVsCode);
  return inVsCode.ms;
}

function buildDesired(
  workspaceDir: string,
  files: readonly FileView[],
  needsComponent: Readonly<Record<string, string>>,
): Desired[] {
  const roots = new Map<string, Desired>();
  const folders = new Map<string, Desired>();
  for (const f of files) {
    let root = roots.get(f.rootdir);
    if (!root) {
      const label = relative(workspaceDir, f.rootdir) || vscode.workspace.asRelativePath(f.rootdir);
      root = folderNode(f.rootdir, label || '.', f);
      roots.set(f.rootdir, root);
      folders.set(f.rootdir, root);
    }
    const parent = ensureFolder(folders, dirname(f.path), f);
    // One Uri for the file and all its tests: each is formatted once when compared.
    const uri = vscode.Uri.file(f.path);
    const fileNode: Desired = {
      id: testItemId(f.rootdir, f.fileId),
      label: f.fileId.slice(f.fileId.lastIndexOf('/') + 1),
      uri,
      // An import or syntax error sits on its line in the file: Go to Test opens it there.
      range: f.error?.line ? new vscode.Range(f.error.line - 1, 0, f.error.line - 1, 0) : undefined,
      error: f.error?.message,
      data: {
        kind: 'file',
        path: f.path,
        ini: f.ini,
        rootdir: f.rootdir,
        nodeid: f.fileId,
        problem: f.error?.message,
      },
      children: f.tests.map((t) => testNode(t, f, uri, needsComponent)),
    };
    parent.children.push(fileNode);
  }
  return [...roots.values()];
}

function folderNode(dir: string, label: string, f: FileView): Desired {
  const nodeid = relative(f.rootdir, dir).split('\\').join('/');
  return {
    id: `dir:${dir}`,
    label,
    uri: vscode.Uri.file(dir),
    data: { kind: 'folder', dir, ini: f.ini, rootdir: f.rootdir, nodeid: nodeid || '.' },
    children: [],
  };
}

function ensureFolder(folders: Map<string, Desired>, dir: string, f: FileView): Desired {
  const existing = folders.get(dir);
  if (existing) return existing;
  const parent = ensureFolder(folders, dirname(dir), f);
  const node = folderNode(dir, dir.slice(dir.lastIndexOf('/') + 1), f);
  folders.set(dir, node);
  parent.children.unshift(node);
  return node;
}

function testNode(
  t: TestNode,
  f: FileView,
  uri: vscode.Uri,
  needsComponent: Readonly<Record<string, string>>,
): Desired {
  const markers = t.markers ?? [];
  return {
    id: testItemId(f.rootdir, t.nodeid),
    label: t.kind === 'case' ? `[${t.name}]` : t.name,
    uri,
    range: t.range ? new vscode.Range(t.range.start, 0, t.range.start, 0) : undefined,
    sortText: t.range
      ? String(t.range.start).padStart(7, '0') + (t.kind === 'case' ? '' : t.name)
      : undefined,
    data: {
      kind: t.kind,
      path: f.path,
      ini: f.ini,
      rootdir: f.rootdir,
      nodeid: t.nodeid,
      markers,
      needs: neededComponents(markers, needsComponent),
    },
    children: t.children.map((c) => testNode(c, f, uri, needsComponent)),
  };
}

function replaceChildren(
  controller: vscode.TestController,
  collection: vscode.TestItemCollection,
  desired: Desired[],
  inVsCode: { ms: number },
): void {
  const items: vscode.TestItem[] = [];
  for (const d of desired) {
    // Only VS Code's API between `asked` and the sum: the item, its properties.
    const asked = performance.now();
    let item = collection.get(d.id);
    if (!item || item.uri?.toString() !== d.uri?.toString())
      item = controller.createTestItem(d.id, d.label, d.uri);
    if (item.label !== d.label) item.label = d.label;
    if (!sameRange(item.range, d.range)) item.range = d.range;
    if (item.error !== d.error) item.error = d.error;
    if (item.sortText !== d.sortText) item.sortText = d.sortText;
    inVsCode.ms += performance.now() - asked;
    itemData.set(item, d.data);
    showLook(item);
    replaceChildren(controller, item.children, d.children, inVsCode);
    items.push(item);
  }
  // Only touch the collection when its membership changed: replace() with the same items is still an update.
  const current: string[] = [];
  collection.forEach((i) => void current.push(i.id));
  const same =
    current.length === items.length &&
    items.every((i, k) => current[k] === i.id && collection.get(i.id) === i);
  if (same) return;
  const asked = performance.now();
  collection.replace(items);
  inVsCode.ms += performance.now() - asked;
}

function sameRange(a: vscode.Range | undefined, b: vscode.Range | undefined): boolean {
  if (!a || !b) return a === b;
  return a.isEqual(b);
}
