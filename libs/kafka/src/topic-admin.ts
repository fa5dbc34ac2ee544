import type { Admin } from 'kafkajs';
import { retryRetriable } from './admin-retry.ts';
import { KafkaLayerError } from './errors.ts';

/** The admin client our helpers take; services and tools get it from `createKafka(...).admin()`. */
export type KafkaAdmin = Admin;

export interface PartitionDescription {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly end: bigint;
}

export interface TopicDescription {
  readonly name: string;
  readonly partitions: readonly PartitionDescription[];
}

/** Partitions of each topic with leader, replicas, in-sync replicas and log end; absent topics are skipped. */
export async function describeTopics(admin: Admin, names: readonly string[]): Promise<TopicDescription[]> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((name) => existing.has(name));
  if (present.length === 0) return [];
  const metadata = await retryRetriable(() => admin.fetchTopicMetadata({ topics: present }));
  const descriptions: TopicDescription[] = [];
  for (const topic of metadata.topics) {
    const ends = new Map(
      (await retryRetriable(() => admin.fetchTopicOffsets(topic.name))).map((p) => [
        p.partition,
        BigInt(p.high),
      ]),
    );
    descriptions.push({
      name: topic.name,
      partitions: topic.partitions
        .map((p) => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          end: ends.get(p.partitionId) ?? 0n,
        }))
        .sort((a, b) => a.partition - b.partition),
    });
  }
  return descriptions;
}

/** The partition count of a topic on the cluster (from metadata only); a missing topic is an error naming it. */
export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) {
    throw new KafkaLayerError('TOPIC_NOT_FOUND', `topic ${topic} does not exist on the cluster`, {
      context: { topic },
    });
  }
  const metadata = await retryRetriable(() => admin.fetchTopicMetadata({ topics: [topic] }));
  return metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
}

/**
 * Grows a topic to `count` partitions (Kafka cannot shrink one). Records already written stay where
 * they are, so a key's new records may land on another partition than its old ones.
 */
export async function growPartitions(admin: Admin, topic: string, count: number): Promise<void> {
  const current = await partitionCount(admin, topic);
  if (count <= current) return;
  await admin.createPartitions({ topicPartitions: [{ topic, count }], validateOnly: false });
  // The controller has accepted; brokers learn of the new partitions and their leaders a moment
  // later, and a caller that reads offsets next (or scales consumers onto them) must find them.
  const ready = async () => {
    const metadata = await retryRetriable(() => admin.fetchTopicMetadata({ topics: [topic] }));
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
    return partitions.length >= count && partitions.every((partition) => partition.leader >= 0);
  };
  const deadline = Date.now() + METADATA_WAIT_MS;
  while (!(await ready())) {
    if (Date.now() > deadline) {
      throw new KafkaLayerError(
        'PARTITIONS_NOT_VISIBLE',
        `${topic} does not show ${count} partitions with leaders yet`,
        {
          retriable: true,
          context: { topic, partitions: count },
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const METADATA_WAIT_MS = 15_000;
