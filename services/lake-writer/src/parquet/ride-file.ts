import type { FileStats } from '@tributary/delta';
import { parquetReadObjects } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { RideRow } from '../delta/taxi-table.ts';

type SchemaElement = NonNullable<Parameters<typeof parquetWrite>[0]['schema']>[number];

const required = 'REQUIRED' as const;
const double = (name: string): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: required });

/** The Parquet schema of a data file; matches the Delta schema's data columns one to one. */
const FILE_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 10 },
  { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: required },
  double('fare_amount'),
  {
    name: 'pickup_datetime',
    type: 'INT64',
    converted_type: 'TIMESTAMP_MICROS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    repetition_type: required,
  },
  double('pickup_longitude'),
  double('pickup_latitude'),
  double('dropoff_longitude'),
  double('dropoff_latitude'),
  { name: 'passenger_count', type: 'INT32', repetition_type: required },
  { name: 'kafka_partition', type: 'INT32', repetition_type: required },
  { name: 'kafka_offset', type: 'INT64', repetition_type: required },
];

export interface EncodedFile {
  readonly bytes: Uint8Array;
  readonly stats: FileStats;
}

/**
 * Encodes rows (of one pickup date) as a snappy-compressed Parquet file, sorted by pickup time so
 * the file's min/max statistics prune well, and computes the Delta stats of the add action.
 */
export function encodeRideFile(rows: readonly RideRow[]): EncodedFile {
  const sorted = [...rows].sort((a, b) => a.pickupMs - b.pickupMs);
  const n = sorted.length;
  const keys = new Array<string>(n);
  const fares = new Float64Array(n);
  const pickups = new Array<bigint>(n);
  const pickupLon = new Float64Array(n);
  const pickupLat = new Float64Array(n);
  const dropoffLon = new Float64Array(n);
  const dropoffLat = new Float64Array(n);
  const passengers = new Int32Array(n);
  const partitions = new Int32Array(n);
  const offsets = new Array<bigint>(n);
  sorted.forEach((row, i) => {
    keys[i] = row.key;
    fares[i] = row.fareAmount;
    pickups[i] = BigInt(row.pickupMs) * 1000n;
    pickupLon[i] = row.pickupLongitude;
    pickupLat[i] = row.pickupLatitude;
    dropoffLon[i] = row.dropoffLongitude;
    dropoffLat[i] = row.dropoffLatitude;
    passengers[i] = row.passengerCount;
    partitions[i] = row.kafkaPartition;
    offsets[i] = row.kafkaOffset;
  });
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    codec: 'SNAPPY',
    rowGroupSize: 1_000_000,
    createdBy: 'tributary lake-writer (hyparquet-writer)',
    schema: FILE_SCHEMA,
    columnData: [
      { name: 'key', data: keys },
      { name: 'fare_amount', data: fares },
      { name: 'pickup_datetime', data: pickups },
      { name: 'pickup_longitude', data: pickupLon },
      { name: 'pickup_latitude', data: pickupLat },
      { name: 'dropoff_longitude', data: dropoffLon },
      { name: 'dropoff_latitude', data: dropoffLat },
      { name: 'passenger_count', data: passengers },
      { name: 'kafka_partition', data: partitions },
      { name: 'kafka_offset', data: offsets },
    ],
  });
  return { bytes: new Uint8Array(writer.getBuffer()), stats: fileStats(sorted) };
}

/** Delta file statistics: row count and, per data column, min, max and null count. */
function fileStats(sortedByPickup: readonly RideRow[]): FileStats {
  const first = sortedByPickup[0];
  const last = sortedByPickup.at(-1);
  if (!first || !last) return { numRecords: 0, minValues: {}, maxValues: {}, nullCount: {} };
  const min = { ...numericBounds(sortedByPickup, Math.min), pickup_datetime: iso(first.pickupMs) };
  const max = { ...numericBounds(sortedByPickup, Math.max), pickup_datetime: iso(last.pickupMs) };
  let minKey = first.key;
  let maxKey = first.key;
  for (const row of sortedByPickup) {
    if (row.key < minKey) minKey = row.key;
    if (row.key > maxKey) maxKey = row.key;
  }
  const nullCount: Record<string, number> = {};
  for (const name of [...Object.keys(min), 'key']) nullCount[name] = 0;
  return {
    numRecords: sortedByPickup.length,
    minValues: { key: minKey, ...min },
    maxValues: { key: maxKey, ...max },
    nullCount,
  };
}

function numericBounds(rows: readonly RideRow[], pick: (a: number, b: number) => number) {
  const bound = (of: (row: RideRow) => number) =>
    rows.reduce((acc, row) => pick(acc, of(row)), of(rows[0] as RideRow));
  return {
    fare_amount: bound((r) => r.fareAmount),
    pickup_longitude: bound((r) => r.pickupLongitude),
    pickup_latitude: bound((r) => r.pickupLatitude),
    dropoff_longitude: bound((r) => r.dropoffLongitude),
    dropoff_latitude: bound((r) => r.dropoffLatitude),
    passenger_count: bound((r) => r.passengerCount),
    kafka_partition: bound((r) => r.kafkaPartition),
    kafka_offset: bound((r) => Number(r.kafkaOffset)),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Reads a data file back (optimize rewrites small files); `pickupDate` comes from the partition value. */
export async function decodeRideFile(bytes: Uint8Array, pickupDate: string): Promise<RideRow[]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const objects = await parquetReadObjects({ file: buffer, utf8: true });
  return objects.map((o) => ({
    key: String(o.key),
    fareAmount: Number(o.fare_amount),
    pickupMs: toMillis(o.pickup_datetime),
    pickupLongitude: Number(o.pickup_longitude),
    pickupLatitude: Number(o.pickup_latitude),
    dropoffLongitude: Number(o.dropoff_longitude),
    dropoffLatitude: Number(o.dropoff_latitude),
    passengerCount: Number(o.passenger_count),
    kafkaPartition: Number(o.kafka_partition),
    kafkaOffset: BigInt(o.kafka_offset as bigint | number),
    pickupDate,
  }));
}

function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value / 1000n);
  return Number(value);
}
