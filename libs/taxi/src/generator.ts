import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRandom, type Random } from '@tributary/sensors';
import { formatPickupDatetime, KAGGLE_HEADER, rideKey } from './kaggle-format.ts';
import { NYC_ZONES, type Zone } from './zones.ts';

export interface RideGeneratorOptions {
  readonly rows: number;
  /** Default 42: the same seed and options give the same file, byte for byte. */
  readonly seed?: number;
  /** First pickup instant (epoch ms); default 2009-01-01, where the Kaggle file starts. */
  readonly from?: number;
  /** Pickups are before this instant (epoch ms); default 2015-07-01, where the Kaggle file ends. */
  readonly to?: number;
  /** Share of rows made dirty (see {@link DIRTY_KINDS}); default 0.01. */
  readonly dirtyFraction?: number;
  /**
   * Rows come in pickup order except a few (3 %) that come up to this late, as a live feed would;
   * default 5 minutes, 0 for strict order. (The real Kaggle file is not in time order at all.)
   */
  readonly maxDisorderMs?: number;
}

/** Dirty rows the generator writes: the first three are valid rides, the others not even that. */
export const DIRTY_KINDS = [
  'zero-coordinates',
  'negative-fare',
  'zero-passengers',
  'bad-datetime',
  'missing-columns',
  'empty-dropoff',
] as const;
export type DirtyKind = (typeof DIRTY_KINDS)[number];
const DIRTY_WEIGHTS: Record<DirtyKind, number> = {
  'zero-coordinates': 30,
  'negative-fare': 20,
  'zero-passengers': 10,
  'bad-datetime': 15,
  'missing-columns': 15,
  'empty-dropoff': 10,
};

export const DEFAULT_FROM = Date.UTC(2009, 0, 1);
export const DEFAULT_TO = Date.UTC(2015, 6, 1);
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The NYC fare change of 2012-09-04: $2.00 → $2.50 a mile, JFK flat fare $45 → $52. */
const FARE_CHANGE = Date.UTC(2012, 8, 4);

// Seasonality, shaped after the NYC TLC yellow-cab trip counts of those years.
const YEAR_WEIGHT: Record<number, number> = {
  2009: 0.97,
  2010: 0.96,
  2011: 1.01,
  2012: 1.01,
  2013: 0.99,
  2014: 0.94,
  2015: 0.92,
};
const MONTH_WEIGHT = [0.92, 0.95, 1.08, 1.05, 1.07, 1.0, 0.93, 0.9, 0.98, 1.05, 1.0, 1.0];
/** Sunday first, as Date#getUTCDay counts. */
const WEEKDAY_WEIGHT = [0.85, 0.88, 0.97, 1.0, 1.06, 1.12, 1.08];
const HOUR_WEIGHT = [
  0.62, 0.46, 0.35, 0.26, 0.2, 0.18, 0.38, 0.62, 0.78, 0.8, 0.78, 0.8, 0.86, 0.86, 0.88, 0.84, 0.72, 0.9,
  1.08, 1.12, 1.05, 1.02, 0.98, 0.84,
];
/** Share of pickups per zone; the rest (OUTSIDE_WEIGHT) anywhere in the NYC area. */
const ZONE_WEIGHT: Record<string, number> = {
  'midtown-west': 14,
  'midtown-east': 12,
  'upper-east-side': 9,
  'upper-west-side': 7,
  chelsea: 7,
  'gramercy-murray-hill': 7,
  'greenwich-village': 6,
  'east-village': 5,
  'tribeca-soho': 5,
  'financial-district': 4,
  'lower-east-side': 3,
  'laguardia-airport': 3.5,
  'jfk-airport': 3,
  harlem: 1.5,
  williamsburg: 1.2,
  'east-harlem': 1,
  'downtown-brooklyn': 1,
  'long-island-city': 0.8,
  'washington-heights': 0.6,
  astoria: 0.5,
  'park-slope': 0.5,
  greenpoint: 0.4,
  'bedford-stuyvesant': 0.4,
  'south-bronx': 0.3,
  'newark-airport': 0.3,
  flushing: 0.2,
  jamaica: 0.2,
  fordham: 0.15,
  'coney-island': 0.1,
  'st-george': 0.05,
};
const OUTSIDE_WEIGHT = 1.5;
const NYC_AREA = { minLongitude: -74.05, maxLongitude: -73.75, minLatitude: 40.58, maxLatitude: 40.9 };

/** Draws an index with probability proportional to its weight (cumulative table, binary search). */
class WeightedChoice {
  readonly #cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    this.#cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((weight, index) => {
      sum += weight;
      this.#cumulative[index] = sum;
    });
  }

  draw(random: Random): number {
    const target = random.next() * (this.#cumulative.at(-1) ?? 0);
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#cumulative[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

/** Pickup instants, sorted: day by year × month × weekday, hour by the daily curve, then uniform. */
function pickupTimes(random: Random, rows: number, from: number, to: number): Float64Array {
  const firstDay = Math.floor(from / DAY_MS);
  const days = Math.max(1, Math.ceil(to / DAY_MS) - firstDay);
  const dayWeights = Array.from({ length: days }, (_, index) => {
    const date = new Date((firstDay + index) * DAY_MS);
    return (
      (YEAR_WEIGHT[date.getUTCFullYear()] ?? 1) *
      (MONTH_WEIGHT[date.getUTCMonth()] ?? 1) *
      (WEEKDAY_WEIGHT[date.getUTCDay()] ?? 1)
    );
  });
  const day = new WeightedChoice(dayWeights);
  const hour = new WeightedChoice(HOUR_WEIGHT);
  const times = new Float64Array(rows);
  for (let index = 0; index < rows; index++) {
    let time: number;
    do {
      time =
        (firstDay + day.draw(random)) * DAY_MS +
        hour.draw(random) * 3_600_000 +
        Math.floor(random.next() * 3600) * 1000;
    } while (time < from || time >= to);
    times[index] = time;
  }
  return times.sort();
}

function pointIn(random: Random, box: Omit<Zone, 'id' | 'name' | 'borough'>): [number, number] {
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
  const width = box.maxLongitude - box.minLongitude;
  const height = box.maxLatitude - box.minLatitude;
  return [
    clamp(random.normal(box.minLongitude + width / 2, width / 5), box.minLongitude, box.maxLongitude),
    clamp(random.normal(box.minLatitude + height / 2, height / 5), box.minLatitude, box.maxLatitude),
  ];
}

/** Great-circle distance in miles. */
function miles(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 3958.8 * 2 * Math.asin(Math.sqrt(a));
}

const MANHATTAN = NYC_ZONES.filter((z) => z.borough === 'Manhattan');

/**
 * Rows of a train.csv-like file (without the header), in pickup order but for a bounded few.
 * Deterministic for a given seed and options.
 */
export function* generateRideRows(options: RideGeneratorOptions): Generator<string> {
  const random = createRandom(options.seed ?? 42);
  const from = options.from ?? DEFAULT_FROM;
  const to = options.to ?? DEFAULT_TO;
  const dirtyFraction = options.dirtyFraction ?? 0.01;
  const maxDisorderMs = options.maxDisorderMs ?? 5 * MINUTE_MS;
  const zoneChoice = new WeightedChoice([...NYC_ZONES.map((z) => ZONE_WEIGHT[z.id] ?? 0.1), OUTSIDE_WEIGHT]);
  const dirtyChoice = new WeightedChoice(DIRTY_KINDS.map((kind) => DIRTY_WEIGHTS[kind]));
  const drawZone = (): Zone | undefined => NYC_ZONES[zoneChoice.draw(random)];
  const times = pickupTimes(random, options.rows, from, to);

  for (let index = 0; index < options.rows; index++) {
    let time = times[index] ?? from;
    if (maxDisorderMs > 0 && random.next() < 0.03)
      time = Math.max(from, time - Math.floor((random.next() * maxDisorderMs) / 1000) * 1000);
    const pickupZone = drawZone();
    const [pickupLon, pickupLat] = pointIn(random, pickupZone ?? NYC_AREA);
    const isAirport = pickupZone?.id === 'jfk-airport' || pickupZone?.id === 'laguardia-airport';
    const dropoffZone = isAirport
      ? MANHATTAN[Math.floor(random.next() * MANHATTAN.length)]
      : random.next() < 0.3
        ? pickupZone
        : drawZone();
    const [dropoffLon, dropoffLat] = pointIn(random, dropoffZone ?? NYC_AREA);
    const fare = fareOf(
      random,
      time,
      pickupZone,
      dropoffZone,
      miles(pickupLon, pickupLat, dropoffLon, dropoffLat),
    );
    const passengers = passengerCount(random);
    const fields = [
      rideKey(time, (index % 9_999_999) + 1),
      String(fare),
      formatPickupDatetime(time),
      pickupLon.toFixed(6),
      pickupLat.toFixed(6),
      dropoffLon.toFixed(6),
      dropoffLat.toFixed(6),
      String(passengers),
    ];
    if (random.next() < dirtyFraction)
      dirty(fields, DIRTY_KINDS[dirtyChoice.draw(random)] ?? 'negative-fare', random);
    yield fields.join(',');
  }
}

function fareOf(
  random: Random,
  time: number,
  from: Zone | undefined,
  to: Zone | undefined,
  distance: number,
): number {
  const jfkManhattan =
    (from?.id === 'jfk-airport' && to?.borough === 'Manhattan') ||
    (to?.id === 'jfk-airport' && from?.borough === 'Manhattan');
  const afterChange = time >= FARE_CHANGE;
  let fare: number;
  if (jfkManhattan) fare = (afterChange ? 52 : 45) + (random.next() < 0.4 ? 5.33 : 0);
  else {
    const streetMiles = distance * 1.3 + 0.2;
    fare = 2.5 + (afterChange ? 2.5 : 2.0) * streetMiles * Math.exp(random.normal(0, 0.18));
    const hour = new Date(time).getUTCHours();
    if (hour >= 20 || hour < 6) fare += 0.5;
    if (random.next() < 0.01) fare += random.next() * 60; // tolls and waiting: the long tail
  }
  return Math.round(fare * 10) / 10;
}

function passengerCount(random: Random): number {
  const draw = random.next();
  if (draw < 0.69) return 1;
  if (draw < 0.84) return 2;
  if (draw < 0.885) return 3;
  if (draw < 0.905) return 4;
  if (draw < 0.97) return 5;
  if (draw < 0.99) return 6;
  return draw < 0.9965 ? 1 : 0;
}

function dirty(fields: string[], kind: DirtyKind, random: Random): void {
  switch (kind) {
    case 'zero-coordinates':
      fields.splice(3, 4, '0', '0', '0', '0');
      return;
    case 'negative-fare':
      fields[1] = String(-Math.abs(Number(fields[1])));
      return;
    case 'zero-passengers':
      fields[7] = '0';
      return;
    case 'bad-datetime':
      fields[2] = random.next() < 0.5 ? '2013-13-45 25:61:00 UTC' : 'unknown';
      return;
    case 'missing-columns':
      fields.splice(6, 2);
      return;
    case 'empty-dropoff':
      fields[5] = '';
      fields[6] = '';
      return;
  }
}

/** Writes header + rows to `path`, streaming; `onProgress` is told the rows written so far. */
export async function writeRideCsv(
  path: string,
  options: RideGeneratorOptions,
  onProgress?: (rowsWritten: number) => void,
): Promise<void> {
  async function* chunks(): AsyncGenerator<string> {
    yield `${KAGGLE_HEADER}\n`;
    let lines: string[] = [];
    let written = 0;
    for (const row of generateRideRows(options)) {
      lines.push(row);
      if (lines.length === 10_000) {
        written += lines.length;
        yield `${lines.join('\n')}\n`;
        lines = [];
        onProgress?.(written);
      }
    }
    if (lines.length > 0) yield `${lines.join('\n')}\n`;
    onProgress?.(written + lines.length);
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path));
}
