import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** One record read back: where its event came from and the record's Kafka timestamp. */
export type Stamps = Map<string, number>;

/**
 * Reads `expected` committed records of a topic from the beginning and maps each value's
 * `machine@timestamp` (the reading's identity) to the record's Kafka timestamp. Live readings of one
 * machine can share a millisecond: the last of them wins.
 */
export async function readTimestamps(
  brokers: readonly string[],
  topic: string,
  expected: number,
  timeoutMs = 180_000,
): Promise<Stamps> {
  const kafka = new Kafka({ clientId: 'bench-read-back', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const groupId = `bench.machine-regimes.read-back.${randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 4 * 1024 * 1024 });
  const stamps: Stamps = new Map();
  let read = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read back ${read} of ${expected} records of ${topic}`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              const value = JSON.parse(message.value?.toString() ?? '{}') as {
                machine: string;
                timestamp: number;
              };
              stamps.set(`${value.machine}@${value.timestamp}`, Number(message.timestamp));
            }
            read += batch.messages.length;
            if (read >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return stamps;
}

/** Output timestamp minus input timestamp of every reading found in both, in ms. */
export function latencies(input: Stamps, output: Stamps): Float64Array {
  const samples = new Float64Array(output.size);
  let count = 0;
  for (const [id, out] of output) {
    const at = input.get(id);
    if (at !== undefined) samples[count++] = out - at;
  }
  return samples.subarray(0, count);
}
