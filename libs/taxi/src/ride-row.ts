import type { TaxiRide } from '@tributary/topics';
import { KAGGLE_COLUMNS, parsePickupDatetime } from './kaggle-format.ts';

/**
 * Why a CSV row is not a ride. Such rows go to the dead-letter topic; rows that parse but are
 * implausible (zero coordinates, negative fares) are rides and stay in the stream: see README.
 */
export type RowRejection =
  | 'column-count'
  | 'missing-key'
  | 'bad-fare'
  | 'bad-datetime'
  | 'bad-coordinate'
  | 'bad-passenger-count';

export type RowResult =
  | { readonly ok: true; readonly ride: TaxiRide }
  | { readonly ok: false; readonly rejection: RowRejection; readonly reason: string };

function reject(rejection: RowRejection, reason: string): RowResult {
  return { ok: false, rejection, reason };
}

/** A finite decimal number; '' and 'NaN' are not (Number('') is 0). */
function decimal(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const COORDINATES = [
  ['pickupLongitude', 3],
  ['pickupLatitude', 4],
  ['dropoffLongitude', 5],
  ['dropoffLatitude', 6],
] as const;

/** Maps one row's fields, in {@link KAGGLE_COLUMNS} order, to a ride or a typed rejection. */
export function parseRideRow(fields: readonly string[]): RowResult {
  if (fields.length !== KAGGLE_COLUMNS.length)
    return reject('column-count', `expected ${KAGGLE_COLUMNS.length} columns, got ${fields.length}`);
  const [key = '', fareText, pickupText = ''] = fields;
  if (key.trim() === '') return reject('missing-key', 'key column is empty');
  const fareAmount = decimal(fareText);
  if (fareAmount === undefined)
    return reject('bad-fare', `fare_amount is not a number: ${JSON.stringify(fareText)}`);
  const pickup = parsePickupDatetime(pickupText);
  if (pickup === undefined)
    return reject(
      'bad-datetime',
      `pickup_datetime is not 'YYYY-MM-DD HH:MM:SS UTC': ${JSON.stringify(pickupText)}`,
    );
  const coordinates: Partial<Record<(typeof COORDINATES)[number][0], number>> = {};
  for (const [name, index] of COORDINATES) {
    const value = decimal(fields[index]);
    if (value === undefined)
      return reject(
        'bad-coordinate',
        `${KAGGLE_COLUMNS[index]} is not a number: ${JSON.stringify(fields[index])}`,
      );
    coordinates[name] = value;
  }
  const passengerText = fields[7];
  const passengerCount = decimal(passengerText);
  if (passengerCount === undefined || !Number.isSafeInteger(passengerCount) || passengerCount < 0)
    return reject(
      'bad-passenger-count',
      `passenger_count is not an integer ≥ 0: ${JSON.stringify(passengerText)}`,
    );
  return {
    ok: true,
    ride: {
      key,
      fareAmount,
      pickupDatetime: new Date(pickup).toISOString(),
      pickupLongitude: coordinates.pickupLongitude as number,
      pickupLatitude: coordinates.pickupLatitude as number,
      dropoffLongitude: coordinates.dropoffLongitude as number,
      dropoffLatitude: coordinates.dropoffLatitude as number,
      passengerCount,
    },
  };
}

/** The box around New York City that analyses keep rides in (the Kaggle file has rides at 0,0 and off the globe). */
export const NYC_BOUNDS = {
  minLongitude: -74.3,
  maxLongitude: -73.6,
  minLatitude: 40.5,
  maxLatitude: 41.0,
} as const;

export function inNyc(longitude: number, latitude: number): boolean {
  return (
    longitude > NYC_BOUNDS.minLongitude &&
    longitude < NYC_BOUNDS.maxLongitude &&
    latitude > NYC_BOUNDS.minLatitude &&
    latitude < NYC_BOUNDS.maxLatitude
  );
}
