import type { ConsumedRecord } from '@tributary/kafka';
import type { ZoneIndex } from '@tributary/taxi';
import type { ZoneHourly } from '@tributary/topics';
import {
  parseWindowKey,
  RIDE_PREFIX,
  WATERMARKS_KEY,
  type WindowTotals,
  windowKey,
  type ZoneWindows,
} from '../stores/zone-windows.ts';
import type { RepartitionRecord, WindowStateValue } from '../topics.ts';
import { closedBy, type WindowSettings } from './route-rides.ts';

export interface AggregatedBatch {
  /** Updates (final = false) of the windows the batch touched, then the windows it closed (final = true). */
  readonly updates: ZoneHourly[];
  /** What the changelog needs to rebuild the state as it is after the batch (null = gone). */
  readonly changes: Array<{ key: string; value: WindowStateValue | null }>;
  /** Rides for an hour closed here already: impossible while stage 1 routes by its own watermark; kept visible. */
  readonly late: Array<{ record: ConsumedRecord<string, RepartitionRecord>; reason: string }>;
  /** Rides whose key was counted already (a replayer's at-least-once redelivery): not counted again. */
  readonly duplicates: number;
  readonly counted: number;
  readonly finalized: number;
}

export function zoneHourlyValue(
  window: string,
  totals: WindowTotals,
  zones: ZoneIndex,
  final: boolean,
): ZoneHourly {
  const { zone, hourStart } = parseWindowKey(window);
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
 * Stage 2 for one batch of one repartition partition: each ride counted into its zone-hour once per
 * ride key, each source watermark noted; then the partition's watermark (minimum over all input
 * partitions) moves and closes the hours it passed: they are sent once more with final = true and
 * forgotten with their ride keys.
 */
export function aggregateBatch(
  records: readonly ConsumedRecord<string, RepartitionRecord>[],
  state: ZoneWindows,
  zones: ZoneIndex,
  settings: WindowSettings,
): AggregatedBatch {
  const touched = new Set<string>();
  const added: Array<[ride: string, window: string]> = [];
  const late: AggregatedBatch['late'] = [];
  let duplicates = 0;
  let sourcesMoved = false;
  for (const record of records) {
    const value = record.value;
    if (value.kind === 'watermark') {
      sourcesMoved = state.observeSource(value.source, value.watermark) || sourcesMoved;
      continue;
    }
    if (closedBy(value.hourStart, state.watermark, settings)) {
      late.push({
        record,
        reason: `late: hour ${new Date(value.hourStart).toISOString()} closed in stage 2`,
      });
      continue;
    }
    const window = windowKey(value.zone, value.hourStart);
    if (!state.add(window, value.ride, value.fareCents)) {
      duplicates++;
      continue;
    }
    touched.add(window);
    added.push([value.ride, window]);
  }
  const closed = state.advance()
    ? [...state.windows].filter(([window]) =>
        closedBy(parseWindowKey(window).hourStart, state.watermark, settings),
      )
    : [];

  const updates: ZoneHourly[] = [];
  const changes: AggregatedBatch['changes'] = [];
  const closing = new Set(closed.map(([window]) => window));
  for (const window of touched) {
    if (closing.has(window)) continue;
    const totals = state.windows.get(window) as WindowTotals;
    updates.push(zoneHourlyValue(window, totals, zones, false));
    changes.push({ key: window, value: totals });
  }
  for (const [ride, window] of added)
    if (!closing.has(window)) changes.push({ key: `${RIDE_PREFIX}${ride}`, value: { window } });
  for (const [window, totals] of closed) {
    updates.push(zoneHourlyValue(window, totals, zones, true));
    changes.push({ key: window, value: null });
    for (const ride of state.purge(window)) changes.push({ key: `${RIDE_PREFIX}${ride}`, value: null });
  }
  if (sourcesMoved) changes.push({ key: WATERMARKS_KEY, value: { sources: state.sources } });
  return {
    updates,
    changes,
    late,
    duplicates,
    counted: added.length,
    finalized: closed.length,
  };
}
