import { CHANGELOG_CONFIG, defineTopic, type TopicSpec } from '@tributary/kafka';
import { jsonCodec, orTombstone, type Static, stringCodec, Type } from '@tributary/schemas';
import { type TaxiRide, taxiRides, taxiZoneHourly, type ZoneHourly } from '@tributary/topics';

const HOUR_MS = 3_600_000;

/** One ride, located in its pickup zone and re-keyed by the zone (stage 1 → stage 2). */
export const ZoneRide = Type.Object(
  {
    kind: Type.Literal('ride'),
    zone: Type.String({ minLength: 1 }),
    hourStart: Type.Integer({ description: 'the pickup hour, ms since the epoch' }),
    ride: Type.String({ description: 'the ride key: a redelivery carries the same one' }),
    fareCents: Type.Integer(),
  },
  { $id: 'ZoneRide' },
);
export type ZoneRide = Static<typeof ZoneRide>;

/** A source partition's watermark, sent by stage 1 to every repartition partition when it moved. */
export const SourceWatermark = Type.Object(
  {
    kind: Type.Literal('watermark'),
    source: Type.Integer({ minimum: 0, description: 'the input partition' }),
    watermark: Type.Integer({ description: 'its latest pickup minus the watermark delay, ms' }),
  },
  { $id: 'SourceWatermark' },
);
export type SourceWatermark = Static<typeof SourceWatermark>;

export const RepartitionRecord = Type.Union([ZoneRide, SourceWatermark], { $id: 'ZoneRepartitionRecord' });
export type RepartitionRecord = Static<typeof RepartitionRecord>;

/**
 * Stage 2's changelog value: a window's totals (key `<zone>|<hourStart ISO>`), a counted ride's
 * window (key `@ride|<ride key>`), or the latest watermark of every source (key `@watermarks`).
 */
export const WindowStateValue = Type.Union(
  [
    Type.Object({
      rides: Type.Integer({ minimum: 0 }),
      pricedRides: Type.Integer({ minimum: 0 }),
      fareCents: Type.Integer(),
    }),
    Type.Object({ window: Type.String({ minLength: 1 }) }),
    Type.Object({ sources: Type.Record(Type.String({ pattern: '^[0-9]+$' }), Type.Integer()) }),
  ],
  { $id: 'ZoneWindowStateValue' },
);
export type WindowStateValue = Static<typeof WindowStateValue>;

/** Stage 1's changelog value, key = the input partition: the latest pickup it saw. */
export const SourceProgress = Type.Object({ maxEventTime: Type.Integer() }, { $id: 'ZoneSourceProgress' });
export type SourceProgress = Static<typeof SourceProgress>;

export interface AggregatorTopics {
  /** taxi.rides (or the configured name). */
  readonly input: TopicSpec<string, TaxiRide>;
  /** `<appId>.zones-repartition`: key = zone (watermarks: to every partition); a stray record dead-letters to the input's DLQ. */
  readonly repartition: TopicSpec<string, RepartitionRecord>;
  /** `<appId>.zone-windows-changelog`: stage 2's state, partition = its repartition partition. */
  readonly windowChangelog: TopicSpec<string, WindowStateValue>;
  /** `<appId>.source-progress-changelog`: stage 1's state, key = the input partition. */
  readonly sourceChangelog: TopicSpec<string, SourceProgress>;
  /** taxi.zone-hourly (or the configured name): compacted, latest per zone|hourStart. */
  readonly output: TopicSpec<string, ZoneHourly>;
  /** The same topic as the serve stage reads it: a tombstone (the key deleted) decodes as null. */
  readonly served: TopicSpec<string, ZoneHourly | null>;
}

export function aggregatorTopics(names: {
  appId: string;
  inputTopic: string;
  outputTopic: string;
  /** Partitions of the repartition topic (stage 2's parallelism); the input's declared count by default. */
  repartitionPartitions?: number;
}): AggregatorTopics {
  const renamed = <K, V>(spec: TopicSpec<K, V>, name: string): TopicSpec<K, V> =>
    name === spec.name ? spec : defineTopic({ ...spec, name, deadLetterTopic: `${name}.dlq` });
  const input = renamed(taxiRides, names.inputTopic);
  const stage2Partitions = names.repartitionPartitions ?? input.partitions;
  const output = renamed(taxiZoneHourly, names.outputTopic);
  return {
    input,
    output,
    served: { ...output, value: orTombstone(output.value) },
    repartition: defineTopic({
      name: `${names.appId}.zones-repartition`,
      doc: 'Located rides keyed by pickup zone, and every input partition’s watermark sent to every partition',
      partitions: stage2Partitions,
      key: stringCodec,
      value: jsonCodec(RepartitionRecord),
      retentionMs: 24 * HOUR_MS,
      deadLetterTopic: input.deadLetterTopic,
    }),
    windowChangelog: defineTopic({
      name: `${names.appId}.zone-windows-changelog`,
      doc: 'Open zone-hours, the ride keys counted into them and the source watermarks of each repartition partition',
      partitions: stage2Partitions,
      key: stringCodec,
      value: jsonCodec(WindowStateValue),
      cleanupPolicy: 'compact',
      config: CHANGELOG_CONFIG,
    }),
    sourceChangelog: defineTopic({
      name: `${names.appId}.source-progress-changelog`,
      doc: 'Latest pickup seen on each input partition (the base of its watermark)',
      partitions: input.partitions,
      key: stringCodec,
      value: jsonCodec(SourceProgress),
      cleanupPolicy: 'compact',
      config: CHANGELOG_CONFIG,
    }),
  };
}
