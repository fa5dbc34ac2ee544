import {
  defineTopic,
  type ExactlyOnceContext,
  handle,
  type TopicHandler,
  type TopicSpec,
} from '@tributary/kafka';
import { jsonCodec, stringCodec, Type } from '@tributary/schemas';
import type { ZoneIndex } from '@tributary/taxi';
import { type TaxiRide, taxiRides, taxiZoneHourly, type ZoneHourly } from '@tributary/topics';
import type { AggregatorMetrics } from './metrics.ts';
import { type AggregationSettings, aggregateBatch } from './processors/zone-hourly.ts';
import { type ChangelogValue, changelogRecord } from './stores/changelog.ts';
import type { WindowStore } from './stores/window-store.ts';

export interface AggregatorTopics {
  /** taxi.rides (or the configured name). */
  readonly input: TopicSpec<string, TaxiRide>;
  /** taxi.zone-hourly (or the configured name): compacted, latest per zone|hourStart. */
  readonly output: TopicSpec<string, ZoneHourly>;
  /** `<appId>-windows-changelog`: the open windows and watermarks, compacted, written in the same transactions. */
  readonly changelog: TopicSpec<string, ChangelogValue>;
}

const ChangelogValueSchema = Type.Union(
  [
    Type.Object({
      rides: Type.Integer({ minimum: 0 }),
      pricedRides: Type.Integer({ minimum: 0 }),
      fareCents: Type.Integer(),
    }),
    Type.Object({ window: Type.String({ minLength: 1 }) }),
    Type.Object({ maxEventTime: Type.Number() }),
  ],
  { $id: 'ZoneAggregatorChangelogValue' },
);

export function aggregatorTopics(names: {
  appId: string;
  inputTopic: string;
  outputTopic: string;
}): AggregatorTopics {
  const renamed = <K, V>(spec: TopicSpec<K, V>, name: string): TopicSpec<K, V> =>
    name === spec.name ? spec : defineTopic({ ...spec, name, deadLetterTopic: `${name}.dlq` });
  const input = renamed(taxiRides, names.inputTopic);
  return {
    input,
    output: renamed(taxiZoneHourly, names.outputTopic),
    changelog: defineTopic({
      name: `${names.appId}-windows-changelog`,
      doc: 'zone-aggregator window state: key = inputPartition|zone|hourStart, inputPartition|@ride|rideKey or inputPartition|@max-event-time',
      partitions: input.partitions,
      key: stringCodec,
      value: jsonCodec(ChangelogValueSchema),
      cleanupPolicy: 'compact',
    }),
  };
}

export interface AggregatorParts {
  readonly topics: AggregatorTopics;
  readonly store: WindowStore;
  /** The zone table as loaded last (it changes without a restart). */
  readonly zones: () => ZoneIndex;
  /** Resolves once the state of every assigned partition is restored from the changelog. */
  readonly restored: () => Promise<void>;
  readonly settings: AggregationSettings;
  readonly metrics: AggregatorMetrics;
}

/**
 * taxi.rides → [pickup zone from the zone table] → [hour windows per zone, watermark = min over
 * partitions] → taxi.zone-hourly (updates, then final) + changelog; late rides → taxi.rides.dlq.
 * One transaction per input batch carries all of it and the consumed offsets.
 */
export function aggregatorTopology(parts: AggregatorParts): TopicHandler<ExactlyOnceContext>[] {
  const { topics, store, settings, metrics } = parts;
  return [
    handle(
      topics.input,
      async (records, context) => {
        await parts.restored();
        const outcome = aggregateBatch(records, context.partition, store, parts.zones(), settings);
        for (const { record, reason } of outcome.late) context.reject(record, reason);
        for (const value of outcome.updates)
          context.send(topics.output, { key: `${value.zone}|${value.hourStart}`, value });
        for (const entry of outcome.changelog) context.send(topics.changelog, changelogRecord(entry));
        metrics.rides.inc(outcome.counted);
        metrics.late.inc(outcome.late.length);
        metrics.duplicates.inc(outcome.duplicates);
        metrics.finalized.inc(outcome.finalized);
        metrics.openWindows.set(store.openWindows().size);
        if (outcome.watermark !== undefined) metrics.watermark.set(outcome.watermark / 1000);
      },
      { revert: () => store.revert() },
    ),
  ];
}
