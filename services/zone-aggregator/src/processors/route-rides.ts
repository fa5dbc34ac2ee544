import type { ConsumedRecord } from '@tributary/kafka';
import type { ZoneIndex } from '@tributary/taxi';
import type { TaxiRide } from '@tributary/topics';
import type { ZoneRide } from '../topics.ts';

export const HOUR_MS = 3_600_000;

export interface WindowSettings {
  /** Bounded out-of-orderness: a partition's watermark trails its latest pickup by this much. */
  readonly watermarkDelayMs: number;
  /** An hour stays open this long after the watermark passed its end. */
  readonly allowedLatenessMs: number;
}

/** Whether the watermark closed the hour: it passed the hour's end plus the allowed lateness. */
export const closedBy = (hourStart: number, watermark: number | undefined, settings: WindowSettings) =>
  watermark !== undefined && hourStart + HOUR_MS + settings.allowedLatenessMs <= watermark;

export interface RoutedBatch {
  readonly routed: ZoneRide[];
  readonly late: Array<{ record: ConsumedRecord<string, TaxiRide>; reason: string }>;
  /** The partition's latest pickup after the batch (undefined: none seen yet). */
  readonly maxEventTime: number | undefined;
}

/**
 * Stage 1 for one batch of one input partition: each ride located in its pickup zone and its hour,
 * unless the partition's own watermark just before it (latest pickup so far minus the delay) had
 * closed that hour: then it is late. Decided on the partition's order alone, so a backfill and a live
 * run decide alike, however the partitions interleave downstream. Stage 2's watermark, the minimum
 * over partitions, is never ahead of this one, so it closes no hour a routed ride still needs.
 */
export function routeRides(
  records: readonly ConsumedRecord<string, TaxiRide>[],
  maxEventTimeBefore: number | undefined,
  zones: ZoneIndex,
  settings: WindowSettings,
): RoutedBatch {
  const routed: ZoneRide[] = [];
  const late: RoutedBatch['late'] = [];
  let maxEventTime = maxEventTimeBefore;
  for (const record of records) {
    const ride = record.value;
    const pickup = Date.parse(ride.pickupDatetime);
    const hourStart = Math.floor(pickup / HOUR_MS) * HOUR_MS;
    const watermark = maxEventTime === undefined ? undefined : maxEventTime - settings.watermarkDelayMs;
    if (maxEventTime === undefined || pickup > maxEventTime) maxEventTime = pickup;
    if (closedBy(hourStart, watermark, settings)) {
      late.push({
        record,
        reason: `late: hour ${new Date(hourStart).toISOString()} closed at watermark ${new Date(watermark ?? 0).toISOString()}`,
      });
      continue;
    }
    routed.push({
      kind: 'ride',
      zone: zones.locate(ride.pickupLongitude, ride.pickupLatitude).id,
      hourStart,
      ride: ride.key,
      fareCents: Math.round(ride.fareAmount * 100),
    });
  }
  return { routed, late, maxEventTime };
}
