import type { DeltaField } from '@tributary/delta';
import { TributaryError } from '@tributary/service-kit';

/** The ride fields the analyses use, and the column names a table may give them: the CSV's or TaxiRide's. */
const CANDIDATES = {
  fareAmount: ['fare_amount', 'fareAmount'],
  pickupDatetime: ['pickup_datetime', 'pickupDatetime'],
  pickupLongitude: ['pickup_longitude', 'pickupLongitude'],
  pickupLatitude: ['pickup_latitude', 'pickupLatitude'],
  dropoffLongitude: ['dropoff_longitude', 'dropoffLongitude'],
  dropoffLatitude: ['dropoff_latitude', 'dropoffLatitude'],
  passengerCount: ['passenger_count', 'passengerCount'],
} as const;

export type RideField = keyof typeof CANDIDATES;
export type RideColumns = Readonly<Record<RideField, string>>;

export class TaxiTableError extends TributaryError<'TAXI_COLUMN_MISSING'> {}

/** Which column holds each ride field; fails naming every field it cannot find. */
export function rideColumns(schema: readonly DeltaField[]): RideColumns {
  const names = new Set(schema.map((field) => field.name));
  const found: Partial<Record<RideField, string>> = {};
  const missing: string[] = [];
  for (const [field, candidates] of Object.entries(CANDIDATES) as [RideField, readonly string[]][]) {
    const column = candidates.find((candidate) => names.has(candidate));
    if (column === undefined) missing.push(candidates.join(' or '));
    else found[field] = column;
  }
  if (missing.length > 0) {
    throw new TaxiTableError(
      'TAXI_COLUMN_MISSING',
      `not a taxi rides table: no column ${missing.join(', ')} (columns: ${[...names].join(', ')})`,
      { context: { missing, columns: [...names] } },
    );
  }
  return found as RideColumns;
}
