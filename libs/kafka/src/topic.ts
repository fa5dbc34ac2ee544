import { bytesCodec, type Codec } from '@tributary/schemas';

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Everything Tributary knows about one topic, declared once and shared by its producers and consumers. */
export interface TopicSpec<K, V> {
  readonly name: string;
  readonly doc: string;
  readonly partitions: number;
  /** Omitted: the registry's default, so one declaration serves a 1-broker laptop and a 3-broker cluster. */
  readonly replicationFactor?: number;
  readonly key: Codec<K>;
  readonly value: Codec<V>;
  readonly cleanupPolicy: CleanupPolicy;
  /** -1 keeps records forever. Omitted: the broker's default. */
  readonly retentionMs?: number;
  /** Further topic-level configs, e.g. `min.compaction.lag.ms`. */
  readonly config: Readonly<Record<string, string>>;
  /** Where records of this topic that cannot be processed go, with their origin and the reason. */
  readonly deadLetterTopic: string;
}

/** A topic of any key and value type, as the runtime handles it once the types are checked. */
// biome-ignore lint/suspicious/noExplicitAny: codecs are invariant in their type; the runtime erases it
export type AnyTopicSpec = TopicSpec<any, any>;

export type TopicDeclaration<K, V> = Omit<TopicSpec<K, V>, 'cleanupPolicy' | 'config' | 'deadLetterTopic'> &
  Partial<Pick<TopicSpec<K, V>, 'cleanupPolicy' | 'config' | 'deadLetterTopic'>>;

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function defineTopic<K, V>(declaration: TopicDeclaration<K, V>): TopicSpec<K, V> {
  if (!TOPIC_NAME.test(declaration.name)) {
    throw new TypeError(`topic name '${declaration.name}' is not a legal Kafka topic name`);
  }
  if (!Number.isInteger(declaration.partitions) || declaration.partitions < 1) {
    throw new TypeError(`topic '${declaration.name}': partitions must be a positive integer`);
  }
  return Object.freeze({
    cleanupPolicy: 'delete',
    config: {},
    deadLetterTopic: `${declaration.name}.dlq`,
    ...declaration,
  });
}

/** Topic configs of a compacted state changelog: segments roll often, so the cleaner keeps a restore short. */
export const CHANGELOG_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  'segment.ms': String(10 * 60 * 1000),
  'min.cleanable.dirty.ratio': '0.1',
  'delete.retention.ms': String(60 * 60 * 1000),
});

/** Dead-letter records keep the original key and value bytes, so they stay readable whatever went wrong. */
export function deadLetterSpecOf(topic: AnyTopicSpec): AnyTopicSpec {
  return defineTopic({
    name: topic.deadLetterTopic,
    doc: `Records of ${topic.name} that could not be processed, with origin and reason headers.`,
    partitions: 1,
    ...(topic.replicationFactor === undefined ? {} : { replicationFactor: topic.replicationFactor }),
    key: bytesCodec,
    value: bytesCodec,
    retentionMs: 30 * 24 * 3600 * 1000,
  });
}
