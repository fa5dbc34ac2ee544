import { defineTopic, type TopicSpec } from '@tributary/kafka';
import { type TaxiRide, taxiRides } from '@tributary/topics';

/**
 * file → taxi.rides (key = ride key, value = TaxiRide); rows that are not rides → its dead-letter
 * topic, the original line as the value, file, line, rejection and reason in headers.
 */
export function ridesTopic(name: string): TopicSpec<string, TaxiRide> {
  return name === taxiRides.name
    ? taxiRides
    : defineTopic({ ...taxiRides, name, deadLetterTopic: `${name}.dlq` });
}
