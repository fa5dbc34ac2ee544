import { type HashtagWindowCount, hashtagCounts } from '@tributary/topics';
import { boolean, definePointMapping, float, integer } from './point-mapping.ts';

/**
 * One point per window and tag at the window's start: a later update of the same window (more
 * tweets, then `final`) has the same series and time, so InfluxDB keeps only the newest.
 * `tag` is a tag; its values are bounded by the vocabulary in use over the retention period.
 */
export const hashtagCountsMapping = definePointMapping({
  topic: hashtagCounts,
  measurement: 'hashtag_counts',
  tags: {
    tag: (value: HashtagWindowCount) => value.tag,
  },
  fields: {
    count: integer((value: HashtagWindowCount) => value.count),
    sentiment: float((value: HashtagWindowCount) => value.sentiment),
    final: boolean((value: HashtagWindowCount) => value.final),
  },
  timestamp: (value: HashtagWindowCount) => Date.parse(value.windowStart),
});
