import { CHANGELOG_CONFIG, defineTopic, type TopicSpec } from '@tributary/kafka';
import { jsonCodec, type Static, stringCodec, Type } from '@tributary/schemas';
import { type HashtagWindowCount, hashtagCounts, type Tweet, tweetsRaw } from '@tributary/topics';

const HOUR_MS = 3600 * 1000;

/** Key of the watermark records of the repartition topic; a hashtag never starts with NUL. */
export const WATERMARK_KEY = '\u0000watermark';

/** One tweet carrying one tag, re-keyed by the tag (stage 1 → stage 2). */
export const TaggedTweet = Type.Object(
  {
    kind: Type.Literal('tag'),
    tag: Type.String({ minLength: 1, description: 'case-folded hashtag, without #' }),
    tweetId: Type.String(),
    eventTime: Type.Integer({ description: 'createdAt, ms since the epoch' }),
    sentiment: Type.Integer({
      minimum: -10_000,
      maximum: 10_000,
      description: 'VADER compound × 10⁴, an integer so that sums are exact in any order',
    }),
    sourcePartition: Type.Integer({ minimum: 0 }),
    sourceWatermark: Type.Integer({
      description:
        "the source partition's watermark just before this tweet: windows whose end + lateness is at or below it are final for it",
    }),
  },
  { $id: 'TaggedTweet' },
);
export type TaggedTweet = Static<typeof TaggedTweet>;

/** A source partition's watermark, sent by stage 1 to every repartition partition after each batch. */
export const WatermarkAdvance = Type.Object(
  {
    kind: Type.Literal('watermark'),
    sourcePartition: Type.Integer({ minimum: 0 }),
    watermark: Type.Integer({ description: 'ms since the epoch' }),
  },
  { $id: 'WatermarkAdvance' },
);
export type WatermarkAdvance = Static<typeof WatermarkAdvance>;

export const RepartitionRecord = Type.Union([TaggedTweet, WatermarkAdvance], { $id: 'RepartitionRecord' });
export type RepartitionRecord = Static<typeof RepartitionRecord>;

/** Stage 2's state of one open window and tag, keyed `<windowStart ISO>|<tag>` in the changelog. */
export const WindowAggregate = Type.Object(
  {
    kind: Type.Literal('window'),
    tag: Type.String({ minLength: 1 }),
    windowStart: Type.Integer(),
    count: Type.Integer({ minimum: 1 }),
    sentimentSum: Type.Integer({ description: 'sum of TaggedTweet.sentiment' }),
  },
  { $id: 'WindowAggregate' },
);
export type WindowAggregate = Static<typeof WindowAggregate>;

/** Stage 2's latest watermark of every source partition, keyed WATERMARK_KEY in the changelog. */
export const SourceWatermarks = Type.Object(
  {
    kind: Type.Literal('watermarks'),
    sources: Type.Record(Type.String({ pattern: '^[0-9]+$' }), Type.Integer()),
    watermark: Type.Integer({ description: "the partition's own watermark (min over sources not idle)" }),
  },
  { $id: 'SourceWatermarks' },
);
export type SourceWatermarks = Static<typeof SourceWatermarks>;

export const WindowStateRecord = Type.Union([WindowAggregate, SourceWatermarks], {
  $id: 'WindowStateRecord',
});
export type WindowStateRecord = Static<typeof WindowStateRecord>;

/** Stage 1's state of one tweets.raw partition, keyed by the partition number. */
export const SourceProgress = Type.Object(
  {
    maxEventTime: Type.Integer({ description: 'newest createdAt seen on the partition, ms' }),
  },
  { $id: 'SourceProgress' },
);
export type SourceProgress = Static<typeof SourceProgress>;

export interface CounterTopics {
  /** tweets.raw (or the configured name), key = tweet id. */
  readonly input: TopicSpec<string, Tweet>;
  /** `<appId>.tags-repartition`: key = tag (or WATERMARK_KEY), partitions = the output's. */
  readonly repartition: TopicSpec<string, RepartitionRecord>;
  /** `<appId>.window-state-changelog`: stage 2's state, partition = its repartition partition. */
  readonly windowChangelog: TopicSpec<string, WindowStateRecord>;
  /** `<appId>.source-watermark-changelog`: stage 1's state, partition = its input partition. */
  readonly sourceChangelog: TopicSpec<string, SourceProgress>;
  /** hashtags.counts (or the configured name), key = `<windowStart ISO>|<tag>`. */
  readonly output: TopicSpec<string, HashtagWindowCount>;
}

export function counterTopics(names: {
  appId: string;
  inputTopic: string;
  outputTopic: string;
}): CounterTopics {
  const renamed = <K, V>(spec: TopicSpec<K, V>, name: string): TopicSpec<K, V> =>
    name === spec.name ? spec : defineTopic({ ...spec, name, deadLetterTopic: `${name}.dlq` });
  const input = renamed(tweetsRaw, names.inputTopic);
  const output = renamed(hashtagCounts, names.outputTopic);
  return {
    input,
    output,
    repartition: defineTopic({
      name: `${names.appId}.tags-repartition`,
      doc: 'Tags of tweets re-keyed by tag, and per-source-partition watermarks sent to every partition',
      partitions: output.partitions,
      key: stringCodec,
      value: jsonCodec(RepartitionRecord),
      retentionMs: 24 * HOUR_MS,
    }),
    windowChangelog: defineTopic({
      name: `${names.appId}.window-state-changelog`,
      doc: 'Open windows and source watermarks of each repartition partition; closed windows tombstoned',
      partitions: output.partitions,
      key: stringCodec,
      value: jsonCodec(WindowStateRecord),
      cleanupPolicy: 'compact',
      config: CHANGELOG_CONFIG,
    }),
    sourceChangelog: defineTopic({
      name: `${names.appId}.source-watermark-changelog`,
      doc: 'Newest event time seen on each input partition (the base of its watermark)',
      partitions: input.partitions,
      key: stringCodec,
      value: jsonCodec(SourceProgress),
      cleanupPolicy: 'compact',
      config: CHANGELOG_CONFIG,
    }),
  };
}
