import { randomUUID } from 'node:crypto';
import { readToEnd } from '@tributary/kafka';
import type { Kafka } from 'kafkajs';

export interface RawRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Partitions of a topic from their start up to their end as of the call, read_committed. */
export async function readPartitionsToEnd(
  kafka: Kafka,
  topic: string,
  partitions: readonly number[],
): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  await readToEnd(
    kafka,
    topic,
    `tributary-reader-${randomUUID()}`,
    (message, partition) =>
      records.push({ partition, offset: message.offset, key: message.key, value: message.value }),
    { partitions },
  );
  return records;
}
