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
