export { machineRegime, machineTemperature, RegimePrediction } from './machine-topics.ts';
export { TaxiRide, taxiRides, taxiZoneHourly, ZoneHourly } from './taxi-topics.ts';
export {
  HashtagTop,
  HashtagWindowCount,
  hashtagCounts,
  hashtagTop,
  Tweet,
  tweetsRaw,
} from './tweet-topics.ts';
