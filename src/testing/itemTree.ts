import type * as vscode from 'vscode';
import { itemData } from './itemData';

/** Walks of the TestItem tree shared by the run, the reporter and the continuous run. */

/** The runnable tests under an item: its cases, or the functions that have none. */
export function collectLeaves(
  item: vscode.TestItem,
  excluded: ReadonlySet<vscode.TestItem>,
  into: Set<vscode.TestItem>,
): void {
  if (excluded.has(item)) return;
  if (item.children.size === 0) {
    const d = itemData.get(item);
    if (d && d.kind !== 'folder' && d.kind !== 'file') into.add(item);
    return;
  }
  item.children.forEach((c) => collectLeaves(c, excluded, into));
}

/** Whether any item below `item` (not itself) satisfies `test`. */
export function someBelow(item: vscode.TestItem, test: (i: vscode.TestItem) => boolean): boolean {
  let found = false;
  item.children.forEach((c) => {
    if (!found && (test(c) || someBelow(c, test))) found = true;
  });
  return found;
}

export function isAncestor(ancestor: vscode.TestItem, item: vscode.TestItem): boolean {
  for (let p = item.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

/** Whether the item is (still) in the controller's tree. */
export function isUnder(controller: vscode.TestController, item: vscode.TestItem): boolean {
  let root = item;
  while (root.parent) root = root.parent;
  return controller.items.get(root.id) === root;
}

/** Test items (classes, functions, cases) by `rootdir\0nodeid`, for the node ids the plugin reports. */
export function indexItems(controller: vscode.TestController): Map<string, vscode.TestItem> {
  const map = new Map<string, vscode.TestItem>();
  const walk = (c: vscode.TestItemCollection) =>
    c.forEach((i) => {
      const d = itemData.get(i);
      if (d && d.kind !== 'folder' && d.kind !== 'file') map.set(`${d.rootdir}\0${d.nodeid}`, i);
      walk(i.children);
    });
  walk(controller.items);
  return map;
}

/** The item for a reported node id: the case, or its function when the tree shows only the function. */
export function resolveItem(
  index: ReadonlyMap<string, vscode.TestItem>,
  rootdir: string,
  nodeid: string,
): vscode.TestItem | undefined {
  const exact = index.get(`${rootdir}\0${nodeid}`);
  if (exact) return exact;
  const bracket = nodeid.indexOf('[');
  return bracket > 0 ? index.get(`${rootdir}\0${nodeid.slice(0, bracket)}`) : undefined;
}
