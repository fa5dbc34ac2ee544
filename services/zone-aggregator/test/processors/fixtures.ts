import type { ConsumedRecord } from '@tributary/kafka';
import { NYC_ZONES, ZoneIndex } from '@tributary/taxi';
import type { TaxiRide } from '@tributary/topics';
import type { WindowSettings } from '../../src/processors/route-rides.ts';

// Rides and settings shared by the processor tests.
export const T0 = Date.UTC(2014, 4, 6, 10);
export const MIDTOWN: [number, number] = [-73.99, 40.76];
export const JFK: [number, number] = [-73.79, 40.645];
export const settings: WindowSettings = { watermarkDelayMs: 10 * 60_000, allowedLatenessMs: 0 };
export const zones = new ZoneIndex(NYC_ZONES);
let offset = 0;

export function ride(
  pickup: number,
  [lon, lat]: [number, number],
  fare = 10,
): ConsumedRecord<string, TaxiRide> {
  const key = `ride-${offset}`;
  return {
    topic: 'taxi.rides',
    partition: 0,
    offset: String(offset++),
    timestamp: 0,
    key,
    headers: {},
    value: {
      key,
      fareAmount: fare,
      pickupDatetime: new Date(pickup).toISOString(),
      pickupLongitude: lon,
      pickupLatitude: lat,
      dropoffLongitude: lon,
      dropoffLatitude: lat,
      passengerCount: 1,
    },
  };
}
