import type { Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads a topic from the beginning up to its end as of the call, handing every message over in log
 * order per partition: a changelog restore, a report over a compacted topic. read_committed unless
 * told otherwise; the end is the last stable offset either way (kafkajs' admin lists offsets
 * read_committed). The reader's consumer group is throwaway and deleted.
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  groupId: string,
  onMessage: (message: KafkaMessage, partition: number) => void,
  options: { readonly readUncommitted?: boolean } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(
      offsets.map(({ partition, high }) => [partition, BigInt(high)] as const).filter(([, end]) => end > 0n),
    );
    if (remaining.size === 0) return;
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
          for (const message of batch.messages) onMessage(message, batch.partition);
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
