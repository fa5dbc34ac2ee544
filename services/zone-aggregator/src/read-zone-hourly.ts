import { randomUUID } from 'node:crypto';
import { readToEnd, type TopicSpec } from '@tributary/kafka';
import type { ZoneHourly } from '@tributary/topics';
import type { Kafka } from 'kafkajs';

/** The compacted topic read back from the beginning: the latest value per zone|hourStart key. */
export async function readZoneHourly(
  kafka: Kafka,
  topic: TopicSpec<string, ZoneHourly>,
): Promise<Map<string, ZoneHourly>> {
  const latest = new Map<string, ZoneHourly>();
  await readToEnd(kafka, topic.name, `zone-report-${randomUUID().slice(0, 8)}`, (message) => {
    if (!message.key) return;
    const key = topic.key.decode(message.key);
    if (message.value === null) latest.delete(key);
    else latest.set(key, topic.value.decode(message.value));
  });
  return latest;
}
