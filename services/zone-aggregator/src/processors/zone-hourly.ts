import type { ConsumedRecord } from '@tributary/kafka';
import type { ZoneIndex } from '@tributary/taxi';
import type { TaxiRide, ZoneHourly } from '@tributary/topics';
import { type ChangelogEntry, parseWindowKey, type WindowStore, windowKey } from '../stores/window-store.ts';

export const HOUR_MS = 3_600_000;

export interface AggregationSettings {
  /** Bounded out-of-orderness: a partition's watermark trails its latest pickup by this much. */
  readonly watermarkDelayMs: number;
  /** A window stays open this long after the watermark passed its end. */
  readonly allowedLatenessMs: number;
  /** Partitions the input topic has (asked from the broker at start): the watermark is the minimum over all of them. */
  readonly inputPartitions: number;
}

export interface BatchOutcome {
  readonly updates: ZoneHourly[];
  readonly changelog: ChangelogEntry[];
  readonly late: Array<{ record: ConsumedRecord<string, TaxiRide>; reason: string }>;
  /** Rides whose key was counted already (a replayer's at-least-once redelivery): not counted again. */
  readonly duplicates: number;
  readonly counted: number;
  readonly finalized: number;
  readonly watermark: number | undefined;
}

/**
 * Flink-style watermark: each partition's latest pickup minus the delay, then the minimum over
 * every input partition. Undefined until every partition has seen a ride, so a backfill that reads
 * one partition ahead of the others closes no window the others still feed.
 */
export function watermarkOf(store: WindowStore, settings: AggregationSettings): number | undefined {
  let minimum = Number.POSITIVE_INFINITY;
  for (let partition = 0; partition < settings.inputPartitions; partition++) {
    const latest = store.maxEventTime(partition);
    if (latest === undefined) return undefined;
    minimum = Math.min(minimum, latest);
  }
  return minimum - settings.watermarkDelayMs;
}

const closedBy = (hourStart: number, watermark: number | undefined, settings: AggregationSettings) =>
  watermark !== undefined && hourStart + HOUR_MS + settings.allowedLatenessMs <= watermark;

export function zoneHourlyValue(
  window: string,
  store: WindowStore,
  zones: ZoneIndex,
  final: boolean,
): ZoneHourly {
  const { zone, hourStart } = parseWindowKey(window);
  const totals = store.total(window);
  // The name as the zone table says now: a renamed zone shows its new name from the next update on.
  const info = zones.byId(zone);
  return {
    zone,
    zoneName: info?.name ?? zone,
    borough: info?.borough ?? 'Unknown',
    hourStart: new Date(hourStart).toISOString(),
    rides: totals.rides,
    pricedRides: totals.pricedRides,
    fareSum: totals.fareCents / 100,
    avgFare: totals.pricedRides === 0 ? 0 : Math.round(totals.fareCents / totals.pricedRides) / 100,
    final,
  };
}

/**
 * One input batch: count each ride into its pickup zone's hour (once per ride key: a redelivered
 * ride is counted once while its hour is open), advance the watermark, emit an update for every
 * window the batch touched and a final record for every window the watermark closed (then
 * forgotten with its ride keys). A ride for a closed window is late: it goes to the dead-letter topic.
 */
export function aggregateBatch(
  records: readonly ConsumedRecord<string, TaxiRide>[],
  partition: number,
  store: WindowStore,
  zones: ZoneIndex,
  settings: AggregationSettings,
): BatchOutcome {
  store.begin();
  const before = watermarkOf(store, settings);
  const touched = new Set<string>();
  const late: BatchOutcome['late'] = [];
  let duplicates = 0;
  for (const record of records) {
    const ride = record.value;
    const pickup = Date.parse(ride.pickupDatetime);
    const hourStart = Math.floor(pickup / HOUR_MS) * HOUR_MS;
    store.observeEventTime(partition, pickup);
    if (closedBy(hourStart, before, settings)) {
      late.push({
        record,
        reason: `late: hour ${new Date(hourStart).toISOString()} closed at watermark ${new Date(before ?? 0).toISOString()}`,
      });
      continue;
    }
    const zone = zones.locate(ride.pickupLongitude, ride.pickupLatitude);
    const window = windowKey(zone.id, hourStart);
    if (store.add(partition, window, ride.key, Math.round(ride.fareAmount * 100))) touched.add(window);
    else duplicates++;
  }
  const watermark = watermarkOf(store, settings);
  const finals = [...store.openWindows()].filter((window) =>
    closedBy(parseWindowKey(window).hourStart, watermark, settings),
  );
  const finalSet = new Set(finals);
  const updates: ZoneHourly[] = [];
  for (const window of touched)
    if (!finalSet.has(window)) updates.push(zoneHourlyValue(window, store, zones, false));
  for (const window of finals) {
    updates.push(zoneHourlyValue(window, store, zones, true));
    store.purge(window);
  }
  return {
    updates,
    changelog: store.changes(),
    late,
    duplicates,
    counted: records.length - late.length - duplicates,
    finalized: finals.length,
    watermark,
  };
}
