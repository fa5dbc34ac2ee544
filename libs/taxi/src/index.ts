import { fileURLToPath } from 'node:url';

export {
  DEFAULT_FROM,
  DEFAULT_TO,
  DIRTY_KINDS,
  type DirtyKind,
  generateRideRows,
  type RideGeneratorOptions,
  writeRideCsv,
} from './generator.ts';
export {
  formatPickupDatetime,
  KAGGLE_COLUMNS,
  KAGGLE_HEADER,
  type KaggleColumn,
  parsePickupDatetime,
  rideKey,
} from './kaggle-format.ts';
export {
  RideCsvError,
  type RideCsvPosition,
  type RideCsvRow,
  readRideCsv,
} from './ride-csv-reader.ts';
export { inNyc, NYC_BOUNDS, parseRideRow, type RowRejection, type RowResult } from './ride-row.ts';
export { NYC_ZONES, UNKNOWN_ZONE, type Zone, ZoneIndex } from './zones.ts';

/** The bundled sample: 5,000 rows, seed 42, 2009-01-01 to 2015-06-30, 1 % dirty (data/taxi/sample.csv). */
export const SAMPLE_CSV_PATH = fileURLToPath(new URL('../../../data/taxi/sample.csv', import.meta.url));
