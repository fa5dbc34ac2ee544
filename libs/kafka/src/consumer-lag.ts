import type { Admin } from 'kafkajs';
import { retryRetriable } from './admin-retry.ts';

/** One partition of a group's subscription: how far its committed offset trails the log end. */
export interface PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  /** null: the group never committed on this partition. */
  readonly committed: bigint | null;
  /** The high watermark: the offset the next record will get. */
  readonly end: bigint;
  /** end − committed; without a commit, every record still retained (end − log start). */
  readonly lag: bigint;
}

/**
 * The lag of each group on every partition of the topics it has committed offsets for, as Kafka
 * itself sees it (committed offsets against high watermarks), independent of any consumer running.
 * `topics` adds partitions the group has not committed on yet, e.g. a service's declared inputs.
 */
export async function consumerGroupLag(
  admin: Admin,
  groups: readonly string[],
  topics: readonly string[] = [],
): Promise<PartitionLag[]> {
  const ends = new Map<string, Map<number, { low: bigint; high: bigint }>>();
  const endsOf = async (topic: string) => {
    let partitions = ends.get(topic);
    if (!partitions) {
      const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic));
      partitions = new Map(
        offsets.map(({ partition, low, high }) => [partition, { low: BigInt(low), high: BigInt(high) }]),
      );
      ends.set(topic, partitions);
    }
    return partitions;
  };
  const rows: PartitionLag[] = [];
  // A declared topic that does not exist (yet) has no lag to report, rather than failing the rest.
  const existing = topics.length > 0 ? new Set(await admin.listTopics()) : new Set<string>();
  for (const group of groups) {
    const committedTopics = await retryRetriable(() => admin.fetchOffsets({ groupId: group }));
    const extra = topics.filter(
      (topic) => existing.has(topic) && !committedTopics.some((entry) => entry.topic === topic),
    );
    const declared =
      extra.length > 0
        ? await retryRetriable(() => admin.fetchOffsets({ groupId: group, topics: [...extra] }))
        : [];
    for (const { topic, partitions } of [...committedTopics, ...declared]) {
      const logEnds = await endsOf(topic);
      for (const [partition, { low, high }] of [...logEnds].sort(([a], [b]) => a - b)) {
        const raw = partitions.find((entry) => entry.partition === partition)?.offset;
        // -1: no commit; other negatives are reset markers (earliest/latest), nothing processed either.
        const committed = raw === undefined || BigInt(raw) < 0n ? null : BigInt(raw);
        rows.push({ group, topic, partition, committed, end: high, lag: high - (committed ?? low) });
      }
    }
  }
  return rows;
}
