/**
 * The first index in [0, length) whose item is not `before` the wanted place (binary search); `length` when
 * every item is. `before` must hold for a prefix of the indexes and fail for the rest.
 */
export function firstIndex(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
