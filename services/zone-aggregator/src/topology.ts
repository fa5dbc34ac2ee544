import { type ExactlyOnceContext, handle, type TopicHandler } from '@tributary/kafka';
import type { ZoneIndex } from '@tributary/taxi';
import type { AggregatorMetrics } from './metrics.ts';
import { routeRides, type WindowSettings } from './processors/route-rides.ts';
import { servingChanges } from './processors/serving-rows.ts';
import { aggregateBatch } from './processors/zone-hourly.ts';
import type { ServingContext } from './stores/serving-table.ts';
import type { SourceProgressStore } from './stores/source-progress.ts';
import type { StateRestorer } from './stores/state-restorer.ts';
import type { WindowStore } from './stores/zone-windows.ts';
import type { AggregatorTopics, SourceProgress, WindowStateValue } from './topics.ts';

export interface StageParts {
  readonly topics: AggregatorTopics;
  /** The zone table as loaded last (it changes without a restart). */
  readonly zones: () => ZoneIndex;
  readonly settings: WindowSettings;
  readonly metrics: AggregatorMetrics;
}

/**
 * Stage 1, one transaction per taxi.rides batch: rides located in their pickup zone (the zone
 * table), re-keyed by zone onto the repartition topic; then, if it moved, the partition's watermark
 * to every repartition partition and its latest pickup to the source changelog. Late rides →
 * taxi.rides.dlq.
 */
export function routeStage(
  parts: StageParts & {
    readonly progress: SourceProgressStore;
    readonly restorer: StateRestorer<SourceProgress>;
  },
): TopicHandler<ExactlyOnceContext>[] {
  const { topics, settings, metrics, progress, restorer } = parts;
  return [
    handle(
      topics.input,
      async (records, context) => {
        await restorer.ready();
        const partition = context.partition;
        const before = progress.maxEventTime(partition);
        const batch = routeRides(records, before, parts.zones(), settings);
        for (const { record, reason } of batch.late) context.reject(record, reason);
        for (const ride of batch.routed) context.send(topics.repartition, { key: ride.zone, value: ride });
        if (batch.maxEventTime !== undefined && batch.maxEventTime !== before) {
          const watermark = batch.maxEventTime - settings.watermarkDelayMs;
          for (let target = 0; target < topics.repartition.partitions; target++)
            context.send(topics.repartition, {
              key: `@watermark|${partition}`,
              value: { kind: 'watermark', source: partition, watermark },
              partition: target,
            });
          context.send(topics.sourceChangelog, {
            key: String(partition),
            value: { maxEventTime: batch.maxEventTime },
            partition: partition % topics.sourceChangelog.partitions,
          });
        }
        progress.set(partition, batch.maxEventTime);
        metrics.routed.inc(batch.routed.length);
        metrics.late.inc(batch.late.length);
      },
      { revert: (partition) => restorer.invalidate(partition) },
    ),
  ];
}

/**
 * Stage 2, one transaction per repartition batch: rides into their zone-hour (a ride key once), the
 * watermark as the minimum over input partitions, updates and finals to taxi.zone-hourly, and the
 * changed state to the window changelog.
 */
export function aggregateStage(
  parts: StageParts & {
    readonly windows: WindowStore;
    readonly restorer: StateRestorer<WindowStateValue>;
  },
): TopicHandler<ExactlyOnceContext>[] {
  const { topics, settings, metrics, windows, restorer } = parts;
  return [
    handle(
      topics.repartition,
      async (records, context) => {
        await restorer.ready();
        const partition = context.partition;
        const state = windows.of(partition);
        const batch = aggregateBatch(records, state, parts.zones(), settings);
        for (const { record, reason } of batch.late) context.reject(record, reason);
        for (const value of batch.updates)
          context.send(topics.output, { key: `${value.zone}|${value.hourStart}`, value });
        for (const change of batch.changes) context.send(topics.windowChangelog, { ...change, partition });
        metrics.rides.inc(batch.counted);
        metrics.late.inc(batch.late.length);
        metrics.duplicates.inc(batch.duplicates);
        metrics.finalized.inc(batch.finalized);
        metrics.observe(windows);
      },
      { revert: (partition) => restorer.invalidate(partition) },
    ),
  ];
}

/**
 * Stage 3 (serve), one PostgreSQL transaction per taxi.zone-hourly batch: each key's latest record
 * upserted into the serving table (a tombstone deletes the row), the batch's offsets beside them.
 */
export function serveStage(parts: { readonly topics: AggregatorTopics }): TopicHandler<ServingContext>[] {
  return [
    handle(parts.topics.served, (records, context: ServingContext) => {
      const changes = servingChanges(records);
      for (const { record, reason } of changes.rejected) context.reject(record, reason);
      context.write(changes);
    }),
  ];
}
