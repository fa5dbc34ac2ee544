import type { HashtagTop } from '@tributary/topics';

export type RankedTag = HashtagTop['top'][number];

/** The ranking order of hashtags.top: count descending, then tag ascending (code units, not locale). */
export function compareRanked(a: RankedTag, b: RankedTag): number {
  if (a.count !== b.count) return b.count - a.count;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** The `n` first tags in ranking order. */
export function topN(tags: Iterable<RankedTag>, n: number): RankedTag[] {
  return [...tags].sort(compareRanked).slice(0, n);
}
