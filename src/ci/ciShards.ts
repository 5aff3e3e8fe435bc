import type * as vscode from 'vscode';
import { shardsInput, splitIntoShards } from '../core/ci/shards';
import { ciTestArgs, type SelectedTest } from '../core/github/testsInput';
import { itemData } from '../testing/itemData';

/** One runner's tests: the items, and the line its pytest gets. */
interface PlannedShard {
  index: number;
  items: vscode.TestItem[];
  tests: string;
}

export interface ShardPlan {
  shards: PlannedShard[];
  /** The workflow's `shards` input. */
  input: string;
  idealMs: number;
  /** Tests with no time in the history (counted at the median of the others). */
  unknown: number;
}

/** The selected tests split over `n` runners by their expected times (`expectedMs` of an item id). */
export function planShards(
  leaves: Iterable<vscode.TestItem>,
  n: number,
  repoRoot: string,
  expectedMs: (itemId: string) => number | undefined,
): ShardPlan {
  const items = [...leaves];
  const byId = new Map(items.map((i) => [i.id, i]));
  const split = splitIntoShards(
    items.map((i) => ({ id: i.id, ms: expectedMs(i.id) })),
    n,
  );
  const shards = split.shards.map((s) => {
    const shardItems = s.ids.map((id) => byId.get(id)!);
    const selected: SelectedTest[] = shardItems.map((i) => {
      const d = itemData.get(i)!;
      return d.kind === 'folder' ? { rootdir: d.dir, nodeid: '' } : { rootdir: d.rootdir, nodeid: d.nodeid };
    });
    return { index: s.index, items: shardItems, tests: ciTestArgs(repoRoot, selected) };
  });
  return { shards, input: shardsInput(shards), idealMs: split.idealMs, unknown: split.unknown };
}
