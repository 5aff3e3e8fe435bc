import type * as vscode from 'vscode';

/** What the extension knows about each TestItem, kept beside it (never in parallel arrays). */
export type ItemData =
  | { kind: 'folder'; dir: string; ini: string | undefined; rootdir: string; nodeid: string }
  | { kind: 'file'; path: string; ini: string | undefined; rootdir: string; nodeid: string; problem?: string }
  | {
      kind: 'class' | 'function' | 'case';
      path: string;
      ini: string | undefined;
      rootdir: string;
      nodeid: string;
      /** Its pytest markers that are tags. */
      markers?: readonly string[];
      /** The parts of the cluster its markers say it needs (`tests.needsComponent`). */
      needs?: readonly string[];
    };

export const itemData = new WeakMap<vscode.TestItem, ItemData>();

/** The item's id: unique in its controller because it is rooted at the rootdir. */
export function testItemId(rootdir: string, nodeid: string): string {
  return `${rootdir}/${nodeid}`;
}
