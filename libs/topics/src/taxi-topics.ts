import { defineTopic } from '@tributary/kafka';
import { jsonCodec, type Static, stringCodec, Type } from '@tributary/schemas';

const DAY_MS = 24 * 3600 * 1000;

/** One NYC taxi ride, the columns of the Kaggle "New York City Taxi Fare Prediction" train.csv. */
export const TaxiRide = Type.Object(
  {
    key: Type.String({ minLength: 1, description: 'unique ride key (the CSV key column)' }),
    fareAmount: Type.Number({ description: 'fare in USD' }),
    pickupDatetime: Type.String({ format: 'date-time', description: 'event time (ISO 8601, UTC)' }),
    pickupLongitude: Type.Number(),
    pickupLatitude: Type.Number(),
    dropoffLongitude: Type.Number(),
    dropoffLatitude: Type.Number(),
    passengerCount: Type.Integer({ minimum: 0 }),
  },
  { $id: 'TaxiRide' },
);
export type TaxiRide = Static<typeof TaxiRide>;

export const taxiRides = defineTopic({
  name: 'taxi.rides',
  doc: 'Taxi rides as replayed from the CSV: key = ride key, value = TaxiRide (event time = pickupDatetime)',
  partitions: 3,
  key: stringCodec,
  value: jsonCodec(TaxiRide),
  retentionMs: 7 * DAY_MS,
});

/** Rides per pickup zone per event-time hour; a later record for the same key replaces it. */
export const ZoneHourly = Type.Object(
  {
    zone: Type.String({ minLength: 1, description: "zone id from the zone table, or 'unknown'" }),
    zoneName: Type.String({ description: 'zone name in the zone table when this record was written' }),
    borough: Type.String(),
    hourStart: Type.String({ format: 'date-time', description: 'start of the pickup hour (ISO 8601, UTC)' }),
    rides: Type.Integer({ minimum: 0, description: 'rides picked up in the zone in that hour' }),
    pricedRides: Type.Integer({ minimum: 0, description: 'of those, rides with a fare > 0' }),
    fareSum: Type.Number({ description: 'sum of the fares > 0, USD' }),
    avgFare: Type.Number({ description: 'fareSum / pricedRides (0 when none)' }),
    final: Type.Boolean({ description: 'true once the watermark passed hourEnd + allowed lateness' }),
  },
  { $id: 'ZoneHourly' },
);
export type ZoneHourly = Static<typeof ZoneHourly>;

/** Update semantics: key = `<zone>|<hourStart ISO>`, compacted so the latest count per key survives. */
export const taxiZoneHourly = defineTopic({
  name: 'taxi.zone-hourly',
  doc: 'Rides per pickup zone per event-time hour: key = zone|hourStart, value = ZoneHourly (latest wins)',
  partitions: 3,
  key: stringCodec,
  value: jsonCodec(ZoneHourly),
  cleanupPolicy: 'compact',
});
