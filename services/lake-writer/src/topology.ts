import { defineTopic, type TopicSpec } from '@tributary/kafka';
import { type TaxiRide, taxiRides } from '@tributary/topics';

/**
 * taxi.rides (key = ride key, value = TaxiRide) → [per input partition buffer] → Delta table
 * (Parquet files under pickup_date=YYYY-MM-DD/, commits in _delta_log/ carrying one txn per input
 * partition). Undecodable rides and unparseable pickup times → taxi.rides.dlq.
 */
export function ridesTopic(name: string): TopicSpec<string, TaxiRide> {
  return name === taxiRides.name
    ? taxiRides
    : defineTopic({ ...taxiRides, name, deadLetterTopic: `${name}.dlq` });
}
