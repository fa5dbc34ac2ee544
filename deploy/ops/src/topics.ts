import {
  type AnyTopicSpec,
  describeTopics,
  type EnsureReport,
  type KafkaAdmin,
  type TopicDescription,
  type TopicDrift,
  TopicRegistry,
} from '@tributary/kafka';
import * as declaredModule from '@tributary/topics';
import { OpsError } from './errors.ts';

function isTopicSpec(value: unknown): value is AnyTopicSpec {
  const candidate = value as Partial<AnyTopicSpec> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.partitions === 'number' &&
    typeof candidate.deadLetterTopic === 'string'
  );
}

/** Every topic @tributary/topics exports, so a new declaration there is known here without a list to keep. */
export function declaredTopics(): AnyTopicSpec[] {
  return Object.values(declaredModule)
    .filter(isTopicSpec)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A registry of the declared topics, or of those named (with their dead-letter topics). */
export function topicRegistry(
  topics: readonly AnyTopicSpec[],
  options: { replicationFactor: number; only?: readonly string[] },
): TopicRegistry {
  const only = options.only ?? [];
  const unknown = only.filter((name) => !topics.some((topic) => topic.name === name));
  if (unknown.length > 0) {
    throw new OpsError(
      'INVALID_ARGUMENT',
      `not declared in @tributary/topics: ${unknown.join(', ')} (declared: ${topics.map((t) => t.name).join(', ')})`,
    );
  }
  const selected = only.length === 0 ? topics : topics.filter((topic) => only.includes(topic.name));
  return new TopicRegistry(selected, { defaultReplicationFactor: options.replicationFactor });
}

export interface TopicsReport {
  /** Declared (with dead-letter topics) and what the cluster has of them. */
  readonly topics: readonly { declared: AnyTopicSpec; actual: TopicDescription | undefined }[];
  readonly drift: readonly TopicDrift[];
}

export async function describeDeclaredTopics(
  admin: KafkaAdmin,
  registry: TopicRegistry,
): Promise<TopicsReport> {
  const declared = registry.topics;
  const actual = await describeTopics(
    admin,
    declared.map((topic) => topic.name),
  );
  return {
    topics: declared.map((topic) => ({ declared: topic, actual: actual.find((a) => a.name === topic.name) })),
    drift: await registry.drift(admin),
  };
}

/** Creates what is missing as declared; existing topics are only compared, never altered. */
export function createDeclaredTopics(admin: KafkaAdmin, registry: TopicRegistry): Promise<EnsureReport> {
  return registry.ensure(admin);
}
