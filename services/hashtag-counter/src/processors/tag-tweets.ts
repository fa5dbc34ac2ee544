import type { ConsumedRecord } from '@tributary/kafka';
import type { Tweet } from '@tributary/topics';
import type { TaggedTweet } from '../topics.ts';
import { extractHashtags } from './extract-hashtags.ts';
import { sentimentOf } from './sentiment.ts';
import { openWindowStartsOf, type WindowSpec } from './windows.ts';

/** The watermark of a partition that has seen no tweet yet: lower than any event time. */
export const NO_WATERMARK = Number.MIN_SAFE_INTEGER;

export interface TaggingOptions {
  readonly window: WindowSpec;
  /** A partition's watermark is its newest event time minus this. */
  readonly maxOutOfOrdernessMs: number;
}

export interface TaggedBatch {
  readonly tagged: TaggedTweet[];
  /** Tweets whose every window was final when they arrived. */
  readonly tooLate: { record: ConsumedRecord<string, Tweet>; reason: string }[];
  /** Tweets whose createdAt is no instant. */
  readonly invalid: { record: ConsumedRecord<string, Tweet>; reason: string }[];
  /** Tweets behind the watermark that still found open windows. */
  readonly late: number;
  /** The partition's newest event time after the batch (undefined: none seen yet). */
  readonly maxEventTime: number | undefined;
}

export function watermarkOf(maxEventTime: number | undefined, maxOutOfOrdernessMs: number): number {
  return maxEventTime === undefined ? NO_WATERMARK : maxEventTime - maxOutOfOrdernessMs;
}

/**
 * Stage 1 for one batch of one tweets.raw partition: each tweet's distinct tags, its sentiment scored
 * once, and the partition's watermark as it stood just before the tweet. That watermark travels with
 * every tag so stage 2 decides lateness exactly as this partition saw it, whatever the interleaving of
 * partitions on the repartition topic: the result depends on each partition's order only.
 */
export function tagTweets(
  records: readonly ConsumedRecord<string, Tweet>[],
  sourcePartition: number,
  maxEventTimeBefore: number | undefined,
  options: TaggingOptions,
): TaggedBatch {
  const tagged: TaggedTweet[] = [];
  const tooLate: TaggedBatch['tooLate'] = [];
  const invalid: TaggedBatch['invalid'] = [];
  let late = 0;
  let maxEventTime = maxEventTimeBefore;
  for (const record of records) {
    const tweet = record.value;
    const eventTime = Date.parse(tweet.createdAt);
    if (Number.isNaN(eventTime)) {
      invalid.push({ record, reason: `createdAt '${tweet.createdAt}' is not an instant` });
      continue;
    }
    const watermark = watermarkOf(maxEventTime, options.maxOutOfOrdernessMs);
    if (maxEventTime === undefined || eventTime > maxEventTime) maxEventTime = eventTime;
    if (openWindowStartsOf(eventTime, watermark, options.window).length === 0) {
      tooLate.push({
        record,
        reason: `too late: createdAt ${tweet.createdAt} is behind watermark ${new Date(watermark).toISOString()} of partition ${sourcePartition} by more than window size + allowed lateness`,
      });
      continue;
    }
    if (eventTime < watermark) late++;
    const tags = extractHashtags(tweet.text);
    if (tags.length === 0) continue;
    const sentiment = sentimentOf(tweet.text);
    for (const tag of tags) {
      tagged.push({
        kind: 'tag',
        tag,
        tweetId: tweet.id,
        eventTime,
        sentiment,
        sourcePartition,
        sourceWatermark: watermark,
      });
    }
  }
  return { tagged, tooLate, invalid, late, maxEventTime };
}
