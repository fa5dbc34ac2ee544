import type { HashtagTop } from '@tributary/topics';

export type RankedTag = HashtagTop['top'][number];

/** The ranking order of hashtags.top: count descending, then tag ascending (code units, not locale). */
export function compareRanked(a: RankedTag, b: RankedTag): number {
  if (a.count !== b.count) return b.count - a.count;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/**
 * The `n` first tags of a window (tag → score) in ranking order. One pass keeping the best `n` sorted:
 * a window holds thousands of tags and most fall below the n-th at the first comparison, so this beats
 * sorting them all, and only candidates are copied.
 */
export function topN(
  tags: ReadonlyMap<string, { readonly count: number; readonly sentiment: number }>,
  n: number,
): RankedTag[] {
  const best: RankedTag[] = [];
  for (const [tag, { count, sentiment }] of tags) {
    const last = best[best.length - 1];
    if (
      last !== undefined &&
      best.length === n &&
      (count < last.count || (count === last.count && tag > last.tag))
    )
      continue;
    const candidate = { tag, count, sentiment };
    let at = best.length;
    while (at > 0 && compareRanked(candidate, best[at - 1] as RankedTag) < 0) at--;
    best.splice(at, 0, candidate);
    if (best.length > n) best.pop();
  }
  return best;
}
