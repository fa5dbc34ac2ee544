import type { ConsumedRecord } from '@tributary/kafka';
import type { ZoneHourly } from '@tributary/topics';
import { parseWindowKey } from '../stores/zone-windows.ts';

/** One row of the serving table: a zone-hour as its latest taxi.zone-hourly record says. */
export interface ServingRow {
  readonly zoneId: string;
  /** ISO 8601, UTC. */
  readonly hourStart: string;
  readonly zoneName: string;
  readonly borough: string;
  readonly rides: number;
  readonly pricedRides: number;
  readonly fareSum: number;
  readonly avgFare: number;
  readonly final: boolean;
  /** The topic partition and offset of the record the row holds. */
  readonly partition: number;
  readonly offset: string;
}

/** What one batch does to the serving table: each key's latest record, an upsert or (tombstone) a delete. */
export interface ServingChanges {
  readonly upserts: ServingRow[];
  readonly deletes: Array<{ readonly zoneId: string; readonly hourStart: string }>;
  /** Records whose key is not `<zone>|<hourStart ISO>` or disagrees with the value: dead letters. */
  readonly rejected: Array<{
    readonly record: ConsumedRecord<string, ZoneHourly | null>;
    readonly reason: string;
  }>;
}

/** The key's zone and hour, or undefined when the key is not `<zone>|<hourStart ISO>`. */
function parseKey(key: string): { zoneId: string; hourStart: string } | undefined {
  const { zone, hourStart } = parseWindowKey(key);
  if (zone.length === 0 || !Number.isFinite(hourStart)) return undefined;
  return { zoneId: zone, hourStart: new Date(hourStart).toISOString() };
}

/**
 * A batch of taxi.zone-hourly records (offset order) as serving-table changes: the latest record per
 * key wins, as on the compacted topic; the key is the row's identity, so a tombstone deletes it.
 */
export function servingChanges(
  records: readonly ConsumedRecord<string, ZoneHourly | null>[],
): ServingChanges {
  const latest = new Map<string, ServingRow | { zoneId: string; hourStart: string; deleted: true }>();
  const rejected: ServingChanges['rejected'] = [];
  for (const record of records) {
    const id = parseKey(record.key);
    if (!id) {
      rejected.push({ record, reason: `key ${JSON.stringify(record.key)} is not <zone>|<hourStart ISO>` });
      continue;
    }
    const identity = `${id.zoneId}|${id.hourStart}`;
    const value = record.value;
    if (value === null) {
      latest.delete(identity);
      latest.set(identity, { ...id, deleted: true });
      continue;
    }
    if (value.zone !== id.zoneId || Date.parse(value.hourStart) !== Date.parse(id.hourStart)) {
      rejected.push({ record, reason: `key ${record.key} does not match the value's zone and hourStart` });
      continue;
    }
    // Re-inserted, so the map's order stays the order of each key's latest record.
    latest.delete(identity);
    latest.set(identity, {
      ...id,
      zoneName: value.zoneName,
      borough: value.borough,
      rides: value.rides,
      pricedRides: value.pricedRides,
      fareSum: value.fareSum,
      avgFare: value.avgFare,
      final: value.final,
      partition: record.partition,
      offset: record.offset,
    });
  }
  const upserts: ServingRow[] = [];
  const deletes: ServingChanges['deletes'] = [];
  for (const change of latest.values()) {
    if ('deleted' in change) deletes.push({ zoneId: change.zoneId, hourStart: change.hourStart });
    else upserts.push(change);
  }
  return { upserts, deletes, rejected };
}
