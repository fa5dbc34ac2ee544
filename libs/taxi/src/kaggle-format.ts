/**
 * The columns of Kaggle's "New York City Taxi Fare Prediction" train.csv, in file order. The real
 * file and the generated ones share this header; the reader maps columns by these names.
 */
export const KAGGLE_COLUMNS = [
  'key',
  'fare_amount',
  'pickup_datetime',
  'pickup_longitude',
  'pickup_latitude',
  'dropoff_longitude',
  'dropoff_latitude',
  'passenger_count',
] as const;
export type KaggleColumn = (typeof KAGGLE_COLUMNS)[number];

export const KAGGLE_HEADER = KAGGLE_COLUMNS.join(',');

const PICKUP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC$/;

/** `2009-06-15 17:26:21 UTC` → epoch ms, or undefined when it is not that form or not a real instant. */
export function parsePickupDatetime(text: string): number | undefined {
  const match = PICKUP.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2009-02-30 over to March: a value that does not round-trip is not a calendar date.
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  )
    return undefined;
  return ms;
}

/** epoch ms → `2009-06-15 17:26:21 UTC` (whole seconds, as in the Kaggle file). */
export function formatPickupDatetime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The key column: the pickup second plus a 7-digit sequence, like `2009-06-15 17:26:21.0000001`. */
export function rideKey(ms: number, sequence: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${String(sequence).padStart(7, '0')}`;
}
