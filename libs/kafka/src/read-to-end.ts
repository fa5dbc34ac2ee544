import type { Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads a topic (or some of its partitions) from the beginning up to its end as of the call, handing
 * every message before that end over in log order per partition: a changelog restore, a report over
 * a compacted topic. read_committed unless told otherwise; the end is the last stable offset either
 * way (kafkajs' admin lists offsets read_committed), so an open transaction of a dead owner is not
 * waited for. kafkajs has no manual assignment: the reader is the only member of a throwaway group
 * that never commits and is deleted afterwards.
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  groupId: string,
  onMessage: (message: KafkaMessage, partition: number) => void,
  options: { readonly readUncommitted?: boolean; readonly partitions?: readonly number[] } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<number, bigint>();
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      const wanted = options.partitions?.includes(partition) ?? true;
      // A partition with nothing left (low = high) sends no batch to wait for.
      if (wanted && BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
    }
    if (ends.size === 0) return;
    const remaining = new Map(ends);
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: options.readUncommitted ?? false,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        // END_BATCH_PROCESS also fires for batches of transaction markers only: the end is reached.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          const end = remaining.get(payload.partition);
          if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end)
            remaining.delete(payload.partition);
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
            onMessage(message, batch.partition);
          }
        },
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
    await admin.deleteGroups([groupId]).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}
