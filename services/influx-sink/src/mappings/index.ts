import { hashtagCountsMapping } from './hashtag-counts.ts';
import { hashtagTopMapping } from './hashtag-top.ts';
import { machineRegimeMapping } from './machine-regime.ts';
import type { AnyPointMapping } from './point-mapping.ts';

export { taxiZoneHourlyMapping } from './taxi-zone-hourly.ts';

import { taxiZoneHourlyMapping } from './taxi-zone-hourly.ts';

export { hashtagCountsMapping } from './hashtag-counts.ts';
export { hashtagTopMapping } from './hashtag-top.ts';
export { machineRegimeMapping } from './machine-regime.ts';
export {
  type AnyPointMapping,
  boolean,
  definePointMapping,
  type FieldSpec,
  type FieldType,
  float,
  integer,
  type PointMapping,
  string,
} from './point-mapping.ts';

/** Every topic the sink knows how to write; a new result topic is one more declaration here. */
export const allMappings: readonly AnyPointMapping[] = [
  machineRegimeMapping,
  taxiZoneHourlyMapping,
  hashtagCountsMapping,
  hashtagTopMapping,
];
