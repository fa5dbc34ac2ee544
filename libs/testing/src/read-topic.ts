import type { Admin, Kafka } from 'kafkajs';
import { uniqueName } from './unique-name.ts';

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * The end of every partition of a topic as read_committed readers see it: kafkajs' admin lists
 * offsets read_committed, so an open transaction holds it at the last stable offset.
 */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
}

/**
 * Reads a topic from the beginning up to its current end (read_committed unless told otherwise).
 * Its end is taken first, so the result is a snapshot of what was there when called.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { readUncommitted?: boolean } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await endOffsets(admin, topic);
  await admin.disconnect();
  const remaining = new Map([...ends].filter(([, end]) => end > 0n));
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    readUncommitted: options.readUncommitted ?? false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    // Progress comes from END_BATCH_PROCESS, which also fires for batches of only transaction markers.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = remaining.get(payload.partition);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) remaining.delete(payload.partition);
      if (remaining.size === 0) resolve();
    });
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        records.push({
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers,
        });
      }
    },
  });
  await done;
  await consumer.disconnect();
  return records;
}
