import { taxiZoneHourly, type ZoneHourly } from '@tributary/topics';
import { boolean, definePointMapping, float, integer, string } from './point-mapping.ts';

/**
 * Rides per pickup zone and hour. The point's time is the hour's start and its series key the zone
 * (and borough), so every update of a zone-hour overwrites the previous point: InfluxDB holds the
 * latest count, as the compacted topic does.
 */
export const taxiZoneHourlyMapping = definePointMapping({
  topic: taxiZoneHourly,
  measurement: 'taxi_zone_hourly',
  tags: {
    zone: (value: ZoneHourly) => value.zone,
    borough: (value: ZoneHourly) => value.borough,
  },
  fields: {
    rides: integer((value: ZoneHourly) => value.rides),
    priced_rides: integer((value: ZoneHourly) => value.pricedRides),
    fare_sum: float((value: ZoneHourly) => value.fareSum),
    avg_fare: float((value: ZoneHourly) => value.avgFare),
    zone_name: string((value: ZoneHourly) => value.zoneName),
    final: boolean((value: ZoneHourly) => value.final),
  },
  timestamp: (value: ZoneHourly) => Date.parse(value.hourStart),
});
