import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface RawRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/**
 * Reads partitions of a topic from their start up to their end as of the call (read_committed, so the
 * end is the last stable offset: an open transaction of a dead owner is not waited for). kafkajs has
 * no manual assignment, so the reader is the only member of a throwaway group that never commits.
 */
export async function readPartitionsToEnd(
  kafka: Kafka,
  topic: string,
  partitions: readonly number[],
): Promise<RawRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map<number, bigint>();
  for (const { partition, high, low } of offsets) {
    if (partitions.includes(partition) && BigInt(high) > BigInt(low)) remaining.set(partition, BigInt(high));
  }
  const records: RawRecord[] = [];
  if (remaining.size === 0) return records;
  const ends = new Map(remaining);
  const consumer = kafka.consumer({
    groupId: `tributary-reader-${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      // END_BATCH_PROCESS also fires for batches of only transaction markers, which can be the last ones.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = remaining.get(payload.partition);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) remaining.delete(payload.partition);
        if (remaining.size === 0) resolve();
      });
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          records.push({
            partition: batch.partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
          });
        }
      },
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return records;
}
