import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';
import { taxiRides, taxiZoneHourly } from '@tributary/topics';
import { SQL_IDENTIFIER } from './stores/sql-identifier.ts';

/** The zone-aggregator's settings, each declared once with its doc and default. */
export const aggregatorSettings = {
  kafka: kafkaSettings,
  appId: env.string('ZONE_AGGREGATOR_APP_ID', {
    default: 'zone-aggregator',
    doc: "Application id: prefix of the two stages' consumer groups (<appId>.route, <appId>.aggregate), their transactional ids and internal topics (<appId>.zones-repartition, <appId>.zone-windows-changelog, <appId>.source-progress-changelog)",
  }),
  inputTopic: env.string('ZONE_AGGREGATOR_INPUT_TOPIC', {
    default: taxiRides.name,
    doc: 'Rides topic (schema of taxi.rides); late and undecodable rides go to <name>.dlq',
  }),
  outputTopic: env.string('ZONE_AGGREGATOR_OUTPUT_TOPIC', {
    default: taxiZoneHourly.name,
    doc: 'Compacted output topic (schema of taxi.zone-hourly)',
  }),
  repartitionPartitions: env.int('ZONE_AGGREGATOR_REPARTITION_PARTITIONS', {
    default: taxiRides.partitions,
    min: 1,
    max: 1024,
    doc: 'Partitions of <appId>.zones-repartition, so of stage 2 (windows per zone): with the input partitions, how many instances can share the work. Set before the topic is first created',
  }),
  postgresUrl: env.secret('ZONE_AGGREGATOR_POSTGRES_URL', {
    default: 'postgres://postgres@127.0.0.1:15432/tributary',
    doc: 'PostgreSQL holding the zone table and the serving table (the local stack by default)',
  }),
  zoneTable: env.string('ZONE_AGGREGATOR_ZONE_TABLE', {
    default: 'taxi_zones',
    doc: 'Zone table (created and seeded with 30 NYC zones when missing); changes apply without restart',
  }),
  servingTable: env.custom('ZONE_AGGREGATOR_SERVING_TABLE', {
    default: 'taxi_zone_hourly' as string | null,
    expected: "a plain table name ([a-z_][a-z0-9_]*, at most 51 characters) or 'off'",
    parse: (raw): string | null => {
      if (raw === 'off') return null;
      if (!SQL_IDENTIFIER.test(raw)) throw new Error('not a plain lower-case identifier');
      return raw;
    },
    doc: "Serving table in the same PostgreSQL: the latest taxi.zone-hourly record per zone-hour, written exactly once by the serve stage (<appId>.serve) with its consumed offsets in <table>_offsets; 'off': no serve stage",
  }),
  watermarkDelay: env.duration('ZONE_AGGREGATOR_WATERMARK_DELAY', {
    default: '10m',
    doc: 'Bounded out-of-orderness: a partition watermark trails its latest pickup by this much',
  }),
  allowedLateness: env.duration('ZONE_AGGREGATOR_ALLOWED_LATENESS', {
    default: '1h',
    doc: 'An hour window stays open (updates, final=false) this long after the watermark passed its end; later rides go to the DLQ as late',
  }),
  sessionTimeoutMs: env.duration('ZONE_AGGREGATOR_SESSION_TIMEOUT', {
    default: '30s',
    doc: 'Consumer group session timeout: how long a crashed instance keeps its partitions',
  }),
  transactionTimeoutMs: env.duration('ZONE_AGGREGATOR_TRANSACTION_TIMEOUT', {
    default: '60s',
    doc: 'Kafka transaction timeout of the output transactions',
  }),
  maxBytesPerPartition: env.int('ZONE_AGGREGATOR_MAX_BYTES_PER_PARTITION', {
    default: 1024 * 1024,
    min: 1024,
    max: 64 * 1024 * 1024,
    doc: 'Fetch size per partition (every stage): bounds the records of one batch (one transaction)',
  }),
};

export type AggregatorConfig = ConfigOf<typeof aggregatorSettings>;
