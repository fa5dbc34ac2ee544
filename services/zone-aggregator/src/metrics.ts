import { Counter, Gauge, type Registry } from 'prom-client';

/** The zone-aggregator's own metrics; the Kafka layer registers its consumer/producer metrics beside. */
export class AggregatorMetrics {
  readonly rides: Counter;
  readonly late: Counter;
  readonly duplicates: Counter;
  readonly finalized: Counter;
  readonly openWindows: Gauge;
  readonly watermark: Gauge;
  readonly zoneReloads: Counter;
  readonly zones: Gauge;
  readonly restoredEntries: Counter;
  readonly partialAssignment: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rides = new Counter({
      name: 'zone_aggregator_rides_counted_total',
      help: 'Rides counted into a zone-hour (counted per handled batch; an aborted batch counts again)',
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
      help: 'Zone-hours held in the state',
      registers,
    });
    this.watermark = new Gauge({
      name: 'zone_aggregator_watermark_seconds',
      help: 'Event-time watermark (min over input partitions), epoch seconds; 0 until every partition has data',
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
      help: 'Changelog entries read back to restore window state on assignment',
      registers,
    });
    this.partialAssignment = new Gauge({
      name: 'zone_aggregator_partial_assignment',
      help: '1 while this instance owns only some input partitions (unsupported: run one instance)',
      registers,
    });
  }
}
