import type { DeltaRow } from '../delta/read-rows.ts';
import type { RideColumns } from './columns.ts';

/** The numbers the analyses need from one row; NaN where the row has no usable value. */
export interface RideFacts {
  readonly fare: number;
  readonly pickupMs: number;
  readonly pickupLongitude: number;
  readonly pickupLatitude: number;
  readonly dropoffLongitude: number;
  readonly dropoffLatitude: number;
  readonly passengerCount: number;
}

function numeric(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/**
 * Epoch ms of a pickup time stored as a Parquet timestamp (Date), an ISO string, or the CSV's
 * "YYYY-MM-DD HH:MM:SS UTC" text.
 */
export function instantOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value.replace(/ UTC$/, 'Z').replace(' ', 'T'));
  return Number.NaN;
}

export function rideFacts(row: DeltaRow, columns: RideColumns): RideFacts {
  return {
    fare: numeric(row[columns.fareAmount]),
    pickupMs: instantOf(row[columns.pickupDatetime]),
    pickupLongitude: numeric(row[columns.pickupLongitude]),
    pickupLatitude: numeric(row[columns.pickupLatitude]),
    dropoffLongitude: numeric(row[columns.dropoffLongitude]),
    dropoffLatitude: numeric(row[columns.dropoffLatitude]),
    passengerCount: numeric(row[columns.passengerCount]),
  };
}
