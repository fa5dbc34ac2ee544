import type { HashtagTop } from '@tributary/topics';
import { hashtagTop } from '@tributary/topics';
import { boolean, definePointMapping, float, integer, string } from './point-mapping.ts';

/** One entry of a window's top list, with what the point needs of its window. */
interface RankedTag {
  readonly rank: string;
  readonly hashtag: string;
  readonly count: number;
  readonly sentiment: number;
  readonly final: boolean;
  readonly time: number;
}

/** Ranks are tags, zero-padded so that they sort as text: 01, 02, … 10. */
const rankTag = (index: number) => String(index + 1).padStart(2, '0');

/**
 * One point per rank of a window's top list, at the window's start: series `hashtag_top,rank=01`
 * holds the number-one tag of every window, so "the top 10 now" is the last point of each rank.
 * The hashtag is a field, not a tag: it changes from window to window. A later update of the
 * window overwrites each rank (top lists only lengthen within a window, so no stale rank remains).
 */
export const hashtagTopMapping = definePointMapping({
  topic: hashtagTop,
  measurement: 'hashtag_top',
  points: (value: HashtagTop): RankedTag[] =>
    value.top.map((entry, index) => ({
      rank: rankTag(index),
      hashtag: entry.tag,
      count: entry.count,
      sentiment: entry.sentiment,
      final: value.final,
      time: Date.parse(value.windowStart),
    })),
  tags: {
    rank: (point: RankedTag) => point.rank,
  },
  fields: {
    hashtag: string((point: RankedTag) => point.hashtag),
    count: integer((point: RankedTag) => point.count),
    sentiment: float((point: RankedTag) => point.sentiment),
    final: boolean((point: RankedTag) => point.final),
  },
  timestamp: (point: RankedTag) => point.time,
});
