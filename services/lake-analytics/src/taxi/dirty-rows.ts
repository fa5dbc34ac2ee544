import { inNyc } from '@tributary/taxi';
import type { RideFacts } from './ride.ts';

/**
 * Why a row is left out of the analyses, first match wins. The NYC box is @tributary/taxi's; fares
 * above MAX_PLAUSIBLE_FARE are typing errors in the Kaggle file (fares of thousands of dollars),
 * not rides.
 */
export const DIRTY_REASONS = [
  'missing-value',
  'zero-coordinates',
  'outside-nyc',
  'non-positive-fare',
  'absurd-fare',
  'no-passengers',
] as const;
export type DirtyReason = (typeof DIRTY_REASONS)[number];

export const MAX_PLAUSIBLE_FARE = 500;
/** The reason a ride is dirty, or undefined for a ride the analyses count. */
export function dirtyReason(ride: RideFacts): DirtyReason | undefined {
  const coordinates = [
    ride.pickupLongitude,
    ride.pickupLatitude,
    ride.dropoffLongitude,
    ride.dropoffLatitude,
  ];
  if ([ride.fare, ride.pickupMs, ride.passengerCount, ...coordinates].some((value) => Number.isNaN(value)))
    return 'missing-value';
  if (coordinates.some((value) => value === 0)) return 'zero-coordinates';
  if (
    !(inNyc(ride.pickupLongitude, ride.pickupLatitude) && inNyc(ride.dropoffLongitude, ride.dropoffLatitude))
  )
    return 'outside-nyc';
  if (ride.fare <= 0) return 'non-positive-fare';
  if (ride.fare > MAX_PLAUSIBLE_FARE) return 'absurd-fare';
  if (ride.passengerCount < 1) return 'no-passengers';
  return undefined;
}
