import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';

/** The sink's settings, declared once; `TRIBUTARY_KAFKA_*` come from the Kafka layer. */
export const influxSinkSettings = {
  kafka: kafkaSettings,
  influx: {
    url: env.string('INFLUX_URL', {
      default: 'http://127.0.0.1:8086',
      doc: 'InfluxDB base URL (InfluxDB 2, or 1.8 with its /api/v2 compatibility endpoints)',
    }),
    org: env.string('INFLUX_ORG', {
      default: '-',
      doc: 'Organization; InfluxDB 1.8 ignores it (use "-")',
    }),
    bucket: env.string('INFLUX_BUCKET', {
      default: 'tributary',
      doc: 'Bucket; on InfluxDB 1.8 "<database>" or "<database>/<retention policy>"',
    }),
    token: env.secret('INFLUX_TOKEN', {
      optional: true,
      doc: 'API token; on InfluxDB 1.8 "user:password" when auth is on, unset when it is off (or INFLUX_TOKEN_FILE)',
    }),
    requestTimeoutMs: env.duration('INFLUX_SINK_WRITE_TIMEOUT', {
      default: '10s',
      doc: 'Time one write or ping request may take before it counts as a network failure (retried)',
    }),
  },
  topics: env.list('INFLUX_SINK_TOPICS', {
    optional: true,
    doc: 'Topics to sink, comma-separated; each must have a mapping (`mapped=actual` applies the mapping of topic `mapped` to topic `actual`). Unset: every mapped topic',
  }),
  groupId: env.string('INFLUX_SINK_GROUP_ID', {
    default: 'influx-sink',
    doc: 'Consumer group; its committed offsets are what has been written to InfluxDB',
  }),
  partitionsConsumedConcurrently: env.int('INFLUX_SINK_CONCURRENT_PARTITIONS', {
    default: 3,
    min: 1,
    max: 64,
    doc: 'Partitions handled at once; their batches are coalesced into shared InfluxDB writes',
  }),
  maxPointsPerWrite: env.int('INFLUX_SINK_MAX_POINTS_PER_WRITE', {
    default: 5000,
    min: 1,
    max: 100_000,
    doc: 'Points per InfluxDB write request; a larger Kafka batch is split',
  }),
  lingerMs: env.duration('INFLUX_SINK_LINGER', {
    default: '20ms',
    doc: 'How long a partition batch waits for other partitions’ batches to share one write',
  }),
  pingIntervalMs: env.duration('INFLUX_SINK_PING_INTERVAL', {
    default: '5s',
    doc: 'How often InfluxDB’s /ping is checked for readiness',
  }),
};

export type InfluxSinkConfig = ConfigOf<typeof influxSinkSettings>;
