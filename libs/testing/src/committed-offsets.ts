import type { Admin, Kafka } from 'kafkajs';

/** The committed offset of a group on each partition of a topic (0 where nothing was processed). */
export async function committedByPartition(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const [committed] = await fetchOffsetsRetrying(admin, groupId, topic);
  return new Map(
    (committed?.partitions ?? []).map(({ partition, offset }) => [
      partition,
      // -1: no commit; -2 and below: a reset marker such as earliest, nothing processed.
      BigInt(offset) < 0n ? 0n : BigInt(offset),
    ]),
  );
}

/** Sum of committed offsets of a group on a topic (0 for partitions without a commit). */
export async function committedTotal(kafka: Kafka, groupId: string, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0n;
    for (const offset of (await committedByPartition(admin, groupId, topic)).values()) total += offset;
    return total;
  } finally {
    await admin.disconnect();
  }
}

/**
 * admin.fetchOffsets does not retry retriable broker answers such as COORDINATOR_LOAD_IN_PROGRESS,
 * which a freshly started broker gives while it loads __consumer_offsets.
 */
async function fetchOffsetsRetrying(admin: Admin, groupId: string, topic: string, attempts = 50) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchOffsets({ groupId, topics: [topic] });
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
