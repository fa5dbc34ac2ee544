import { defineTopic, type TopicSpec } from '@tributary/kafka';
import { orTombstone } from '@tributary/schemas';
import { type HashtagTop, type HashtagWindowCount, hashtagCounts, hashtagTop } from '@tributary/topics';

/** The ranking stage's topics: what it reads, its internal topics, and what it writes. */
export interface RankingTopics {
  /** hashtags.counts: key `<windowStart>|<tag>`; a tombstone (upstream expiry) is skipped, not dead-lettered. */
  readonly counts: TopicSpec<string, HashtagWindowCount | null>;
  /** The same counts re-keyed by windowStart, so one window's counts meet on one partition. */
  readonly byWindow: TopicSpec<string, HashtagWindowCount>;
  /** The ranking state: key `<windowStart>|<tag>`, on the partition of its window's repartition partition. */
  readonly changelog: TopicSpec<string, HashtagWindowCount>;
  /** hashtags.top: key windowStart, the top N of the window (latest wins; tombstone once expired). */
  readonly top: TopicSpec<string, HashtagTop>;
}

const renamed = <K, V>(spec: TopicSpec<K, V>, name: string): TopicSpec<K, V> =>
  name === spec.name ? spec : defineTopic({ ...spec, name, deadLetterTopic: `${name}.dlq` });

/**
 * Internal topics are named after the application id, as Kafka Streams names them; they have as many
 * partitions as hashtags.top (a handful of windows are open at once, so more would sit idle) and the
 * changelog must match the repartition topic partition for partition.
 */
export function rankingTopics(names: {
  appId: string;
  countsTopic: string;
  topTopic: string;
}): RankingTopics {
  const counts = renamed(hashtagCounts, names.countsTopic);
  const partitions = hashtagTop.partitions;
  return {
    counts: { ...counts, value: orTombstone(counts.value) },
    byWindow: defineTopic({
      name: `${names.appId}.window-repartition`,
      doc: 'hashtags.counts re-keyed by windowStart for the top-N stage: key = windowStart, value = HashtagWindowCount',
      partitions,
      key: hashtagCounts.key,
      value: hashtagCounts.value,
      retentionMs: 24 * 3600 * 1000,
    }),
    changelog: defineTopic({
      name: `${names.appId}.ranking-changelog`,
      doc: 'State of the top-N stage: key = windowStart|tag, value = HashtagWindowCount; tombstones once the window expires',
      partitions,
      key: hashtagCounts.key,
      value: hashtagCounts.value,
      cleanupPolicy: 'compact',
    }),
    top: renamed(hashtagTop, names.topTopic),
  };
}
