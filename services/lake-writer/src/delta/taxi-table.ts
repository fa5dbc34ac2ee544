import type { MetadataAction, ProtocolAction } from '@tributary/delta';
import type { TaxiRide } from '@tributary/topics';

/** One row of the taxi table: a ride plus where it came from in Kafka (for audits and replays). */
export interface RideRow {
  readonly key: string;
  readonly fareAmount: number;
  /** Milliseconds since the epoch, UTC. */
  readonly pickupMs: number;
  readonly pickupLongitude: number;
  readonly pickupLatitude: number;
  readonly dropoffLongitude: number;
  readonly dropoffLatitude: number;
  readonly passengerCount: number;
  readonly kafkaPartition: number;
  readonly kafkaOffset: bigint;
  /** The partition value, `YYYY-MM-DD` of the pickup in UTC. */
  readonly pickupDate: string;
}

export const PARTITION_COLUMN = 'pickup_date';

/** Data columns in file order, with their Delta type; `pickup_date` lives in the directory name only. */
export const DATA_COLUMNS = [
  { name: 'key', type: 'string' },
  { name: 'fare_amount', type: 'double' },
  { name: 'pickup_datetime', type: 'timestamp' },
  { name: 'pickup_longitude', type: 'double' },
  { name: 'pickup_latitude', type: 'double' },
  { name: 'dropoff_longitude', type: 'double' },
  { name: 'dropoff_latitude', type: 'double' },
  { name: 'passenger_count', type: 'integer' },
  { name: 'kafka_partition', type: 'integer' },
  { name: 'kafka_offset', type: 'long' },
] as const;

export type DataColumn = (typeof DATA_COLUMNS)[number]['name'];

export const TAXI_PROTOCOL: ProtocolAction = { minReaderVersion: 1, minWriterVersion: 2 };

export const TAXI_SCHEMA_STRING = JSON.stringify({
  type: 'struct',
  fields: [...DATA_COLUMNS, { name: PARTITION_COLUMN, type: 'date' }].map(({ name, type }) => ({
    name,
    type,
    nullable: false,
    metadata: {},
  })),
});

export function taxiMetadata(id: string, createdTime: number): MetadataAction {
  return {
    id,
    name: 'taxi_rides',
    format: { provider: 'parquet', options: {} },
    schemaString: TAXI_SCHEMA_STRING,
    partitionColumns: [PARTITION_COLUMN],
    configuration: {},
    createdTime,
  };
}

/** An ISO date-time in UTC ('Z'): its first ten characters are the UTC date, no Date object needed. */
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T[^+]*Z$/;

/** The row for a ride, or the reason it cannot be one (it then goes to the dead-letter topic). */
export function toRideRow(
  ride: TaxiRide,
  partition: number,
  offset: string,
): { row: RideRow } | { reason: string } {
  const pickupMs = Date.parse(ride.pickupDatetime);
  if (Number.isNaN(pickupMs)) return { reason: `pickupDatetime '${ride.pickupDatetime}' is not a date-time` };
  return {
    row: {
      key: ride.key,
      fareAmount: ride.fareAmount,
      pickupMs,
      pickupLongitude: ride.pickupLongitude,
      pickupLatitude: ride.pickupLatitude,
      dropoffLongitude: ride.dropoffLongitude,
      dropoffLatitude: ride.dropoffLatitude,
      passengerCount: ride.passengerCount,
      kafkaPartition: partition,
      kafkaOffset: BigInt(offset),
      pickupDate: UTC_ISO.test(ride.pickupDatetime)
        ? ride.pickupDatetime.slice(0, 10)
        : new Date(pickupMs).toISOString().slice(0, 10),
    },
  };
}
