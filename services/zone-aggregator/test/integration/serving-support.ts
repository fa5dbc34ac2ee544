import { randomUUID } from 'node:crypto';
import { readToEnd, type TopicSpec } from '@tributary/kafka';
import type { ZoneHourly } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';

export const uniqueServingTable = () => `test_serving_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

/** The serving table read back as the records it holds, keyed as on the topic (`<zone>|<hourStart ISO>`). */
export async function servingRows(client: pg.ClientBase, table: string): Promise<Map<string, ZoneHourly>> {
  const { rows } = await client.query<{
    zone_id: string;
    hour_start: Date;
    zone_name: string;
    borough: string;
    rides: number;
    priced_rides: number;
    fare_sum: string;
    avg_fare: string;
    final: boolean;
  }>(`SELECT * FROM ${table}`);
  return new Map(
    rows.map((row) => {
      const hourStart = row.hour_start.toISOString();
      const value: ZoneHourly = {
        zone: row.zone_id,
        zoneName: row.zone_name,
        borough: row.borough,
        hourStart,
        rides: row.rides,
        pricedRides: row.priced_rides,
        fareSum: Number(row.fare_sum),
        avgFare: Number(row.avg_fare),
        final: row.final,
      };
      return [`${row.zone_id}|${hourStart}`, value];
    }),
  );
}

/** The offsets table: the next offset per partition of `topic`. */
export async function servingOffsets(
  client: pg.ClientBase,
  table: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const { rows } = await client
    .query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${table}_offsets WHERE topic = $1 ORDER BY partition`,
      [topic],
    )
    .catch(() => ({ rows: [] }));
  return new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
}

export const sum = (offsets: ReadonlyMap<number, bigint>) =>
  [...offsets.values()].reduce((total, offset) => total + offset, 0n);

/**
 * The latest committed value per key among the records before `upTo` (per partition), as a reader of
 * the topic sees it; a tombstone removes its key. `upTo` undefined: the whole topic.
 */
export async function latestBefore(
  kafka: Kafka,
  topic: TopicSpec<string, ZoneHourly>,
  upTo?: ReadonlyMap<number, bigint>,
): Promise<Map<string, ZoneHourly>> {
  const latest = new Map<string, ZoneHourly>();
  await readToEnd(kafka, topic.name, `serving-check-${randomUUID().slice(0, 8)}`, (message, partition) => {
    if (upTo && BigInt(message.offset) >= (upTo.get(partition) ?? 0n)) return;
    const key = topic.key.decode(message.key ?? null);
    if (message.value === null) latest.delete(key);
    else latest.set(key, topic.value.decode(message.value));
  });
  return latest;
}
