import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';
import { parseStartingOffsets, type StartingOffsets } from './starting-offsets.ts';

/** Where the table lives: a local directory, or `s3://bucket/prefix` with the S3 settings below. */
export const tableSettings = {
  uri: env.string('LAKE_WRITER_TABLE_URI', {
    default: './.lake/taxi_rides',
    doc: 'The Delta table: a local directory (created if missing), or s3://bucket/prefix for S3-compatible storage',
  }),
  s3: {
    endpoint: env.string('LAKE_WRITER_S3_ENDPOINT', {
      optional: true,
      doc: 'S3-compatible endpoint URL (MinIO, Ceph…); unset: AWS S3 of the region',
    }),
    region: env.string('LAKE_WRITER_S3_REGION', { default: 'us-east-1', doc: 'S3 region' }),
    accessKeyId: env.secret('LAKE_WRITER_S3_ACCESS_KEY_ID', {
      optional: true,
      doc: 'S3 access key id (or LAKE_WRITER_S3_ACCESS_KEY_ID_FILE); unset: the SDK default chain',
    }),
    secretAccessKey: env.secret('LAKE_WRITER_S3_SECRET_ACCESS_KEY', {
      optional: true,
      doc: 'S3 secret access key (or LAKE_WRITER_S3_SECRET_ACCESS_KEY_FILE)',
    }),
    forcePathStyle: env.bool('LAKE_WRITER_S3_FORCE_PATH_STYLE', {
      default: true,
      doc: 'Path-style URLs (bucket in the path), as MinIO and most S3-compatible servers need',
    }),
  },
};

/** The lake-writer's settings, declared once; `TRIBUTARY_KAFKA_*` come from the Kafka layer. */
export const lakeWriterSettings = {
  kafka: kafkaSettings,
  table: tableSettings,
  groupId: env.string('LAKE_WRITER_GROUP_ID', {
    default: 'tributary-lake-writer',
    doc: 'Consumer group (splits partitions between instances) and prefix of the txn appIds `<group>:<topic>:<partition>` that record progress in the table',
  }),
  topic: env.string('LAKE_WRITER_TOPIC', {
    default: 'taxi.rides',
    doc: 'Topic to read (declared as taxi.rides: key = ride key, value = TaxiRide JSON); another name reads a copy with the same declaration',
  }),
  startingOffsets: env.custom<StartingOffsets, { default: StartingOffsets; doc: string }>(
    'LAKE_WRITER_STARTING_OFFSETS',
    {
      default: { kind: 'earliest' },
      doc: 'For partitions the table has no txn for: earliest, latest, or JSON {"taxi.rides":{"0":23,"1":-2}} (-2 earliest, -1 latest)',
      expected: 'earliest, latest, or JSON {"<topic>":{"<partition>":<offset>}}',
      parse: parseStartingOffsets,
    },
  ),
  failOnDataLoss: env.bool('LAKE_WRITER_FAIL_ON_DATA_LOSS', {
    default: true,
    doc: 'When the offset to resume from was already deleted by retention: true stops with an error naming the gap, false warns and continues from the earliest offset',
  }),
  flush: {
    maxRows: env.int('LAKE_WRITER_FLUSH_ROWS', {
      default: 500_000,
      min: 1,
      doc: 'Flush (write files and commit) when this many rows are buffered',
    }),
    maxBytes: env.int('LAKE_WRITER_FLUSH_BYTES', {
      default: 128 * 1024 * 1024,
      min: 1,
      doc: 'Flush when the buffered records’ JSON values reach this many bytes',
    }),
    maxAgeMs: env.duration('LAKE_WRITER_FLUSH_INTERVAL', {
      default: '60s',
      doc: 'Flush when the oldest buffered row is this old (bounds the delay until rows are visible)',
    }),
  },
  maxRowsPerFile: env.int('LAKE_WRITER_MAX_ROWS_PER_FILE', {
    default: 1_000_000,
    min: 1,
    doc: 'A pickup date with more buffered rows than this is split into several files',
  }),
  sessionTimeoutMs: env.duration('LAKE_WRITER_SESSION_TIMEOUT', {
    default: '30s',
    doc: 'Consumer group session timeout: how soon a killed instance’s partitions move to the others',
  }),
  maxBytesPerPartition: env.int('LAKE_WRITER_FETCH_BYTES_PER_PARTITION', {
    default: 4 * 1024 * 1024,
    min: 1024,
    doc: 'Fetch size per partition and request',
  }),
};

export type LakeWriterConfig = ConfigOf<typeof lakeWriterSettings>;
export type TableConfig = ConfigOf<typeof tableSettings>;
