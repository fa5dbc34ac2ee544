import { readToEnd } from '@tributary/kafka';
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
  const records: ReadRecord[] = [];
  await readToEnd(
    kafka,
    topic,
    uniqueName('reader'),
    (message, partition) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      records.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers,
      });
    },
    options,
  );
  return records;
}
