import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ServingChanges } from './processors/serving-rows.ts';
import type { WindowStore } from './stores/zone-windows.ts';

/** The zone-aggregator's own metrics; the Kafka layer registers its consumer/producer metrics beside. */
export class AggregatorMetrics {
  readonly routed: Counter;
  readonly rides: Counter;
  readonly late: Counter;
  readonly duplicates: Counter;
  readonly finalized: Counter;
  readonly openWindows: Gauge;
  readonly watermark: Gauge;
  readonly zoneReloads: Counter;
  readonly zones: Gauge;
  readonly restoredEntries: Counter;
  readonly servingUpserts: Counter;
  readonly servingDeletes: Counter;
  readonly servingCommit: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.routed = new Counter({
      name: 'zone_aggregator_rides_routed_total',
      help: 'Rides located in their zone and re-keyed onto the repartition topic by stage 1 (per handled batch)',
      registers,
    });
    this.rides = new Counter({
      name: 'zone_aggregator_rides_counted_total',
      help: 'Rides counted into a zone-hour by stage 2 (per handled batch; an aborted batch counts again)',
      registers,
    });
    this.late = new Counter({
      name: 'zone_aggregator_late_rides_total',
      help: 'Rides for an hour the watermark had closed, sent to the dead-letter topic',
      registers,
    });
    this.duplicates = new Counter({
      name: 'zone_aggregator_duplicate_rides_total',
      help: 'Rides whose key was counted already in its open hour (a redelivery from the at-least-once replayer): not counted again',
      registers,
    });
    this.finalized = new Counter({
      name: 'zone_aggregator_windows_finalized_total',
      help: 'Zone-hours emitted with final=true and dropped from the state',
      registers,
    });
    this.openWindows = new Gauge({
      name: 'zone_aggregator_open_windows',
      help: 'Zone-hours held in the state of the repartition partitions this instance owns',
      registers,
    });
    this.watermark = new Gauge({
      name: 'zone_aggregator_watermark_seconds',
      help: 'Lowest event-time watermark (min over input partitions) of the repartition partitions this instance owns, epoch seconds',
      registers,
    });
    this.zoneReloads = new Counter({
      name: 'zone_aggregator_zone_table_reloads_total',
      help: 'Loads of the PostgreSQL zone table (start, notifications, reconnects)',
      registers,
    });
    this.zones = new Gauge({
      name: 'zone_aggregator_zones',
      help: 'Zones in the loaded zone table',
      registers,
    });
    this.restoredEntries = new Counter({
      name: 'zone_aggregator_changelog_restored_entries_total',
      help: 'Changelog entries read back to restore state (source progress, windows) on assignment',
      registers,
    });
    this.servingUpserts = new Counter({
      name: 'zone_aggregator_serving_rows_upserted_total',
      help: 'Serving-table rows inserted or updated by the serve stage (committed; latest record per key of each batch)',
      registers,
    });
    this.servingDeletes = new Counter({
      name: 'zone_aggregator_serving_rows_deleted_total',
      help: 'Serving-table rows deleted for a taxi.zone-hourly tombstone (committed)',
      registers,
    });
    this.servingCommit = new Histogram({
      name: 'zone_aggregator_serving_commit_seconds',
      help: 'One serve-stage PostgreSQL transaction: offsets moved, rows upserted and deleted',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
  }

  /** Counts a committed serve-stage transaction. */
  served(changes: ServingChanges, seconds: number): void {
    this.servingUpserts.inc(changes.upserts.length);
    this.servingDeletes.inc(changes.deletes.length);
    this.servingCommit.observe(seconds);
  }

  /** Sets the state gauges from stage 2's owned partitions. */
  observe(windows: WindowStore): void {
    let open = 0;
    let lowest = Number.POSITIVE_INFINITY;
    for (const state of windows.values()) {
      open += state.windows.size;
      lowest = Math.min(lowest, state.watermark ?? Number.POSITIVE_INFINITY);
    }
    this.openWindows.set(open);
    if (lowest !== Number.POSITIVE_INFINITY) this.watermark.set(lowest / 1000);
  }
}
