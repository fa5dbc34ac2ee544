import { DIRTY_REASONS, type DirtyReason, dirtyReason } from './dirty-rows.ts';
import type { RideFacts } from './ride.ts';

/** Histogram buckets of this width from $0; fares at or above FARE_TAIL_FROM share the long-tail bucket. */
export const FARE_BUCKET_WIDTH = 2.5;
export const FARE_TAIL_FROM = 50;
const BUCKETS = FARE_TAIL_FROM / FARE_BUCKET_WIDTH;

export const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
/** ISO order, Monday first. */
export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export interface RideCount {
  readonly rides: number;
}
export interface FareMean extends RideCount {
  /** Mean fare in USD; null where there is no ride. */
  readonly meanFare: number | null;
}

/** The reference article's analyses, over clean rides only. Times are the table's UTC fields. */
export interface TaxiAnalysesResult {
  readonly rows: {
    readonly read: number;
    readonly used: number;
    readonly filtered: number;
    readonly filteredByReason: Readonly<Record<DirtyReason, number>>;
  };
  readonly ridesPerMonth: readonly (RideCount & { readonly month: number; readonly name: string })[];
  readonly ridesPerWeekday: readonly (RideCount & { readonly weekday: number; readonly name: string })[];
  readonly ridesPerHour: readonly (RideCount & { readonly hour: number })[];
  readonly farePerHour: readonly (FareMean & { readonly hour: number })[];
  readonly farePerYear: readonly (FareMean & { readonly year: number })[];
  readonly fareDistribution: {
    readonly bucketWidth: number;
    readonly tailFrom: number;
    /** Consecutive buckets [from, to); the last has `to: null`: every fare from `tailFrom` up. */
    readonly buckets: readonly (RideCount & { readonly from: number; readonly to: number | null })[];
  };
}

const mean = (sum: number, count: number): number | null => (count === 0 ? null : sum / count);

function bump(values: number[], index: number, by = 1): void {
  values[index] = (values[index] ?? 0) + by;
}

/** Streams rides in, one pass, constant memory (per-year state grows by one entry a year). */
export class TaxiAnalyses {
  #read = 0;
  readonly #filtered = new Map<DirtyReason, number>(DIRTY_REASONS.map((reason) => [reason, 0]));
  readonly #months = new Array<number>(12).fill(0);
  readonly #weekdays = new Array<number>(7).fill(0);
  readonly #hours = new Array<number>(24).fill(0);
  readonly #hourFares = new Array<number>(24).fill(0);
  readonly #years = new Map<number, { rides: number; fares: number }>();
  readonly #buckets = new Array<number>(BUCKETS + 1).fill(0);

  add(ride: RideFacts): void {
    this.#read++;
    const reason = dirtyReason(ride);
    if (reason !== undefined) {
      this.#filtered.set(reason, (this.#filtered.get(reason) ?? 0) + 1);
      return;
    }
    const pickup = new Date(ride.pickupMs);
    const hour = pickup.getUTCHours();
    bump(this.#months, pickup.getUTCMonth());
    bump(this.#weekdays, (pickup.getUTCDay() + 6) % 7);
    bump(this.#hours, hour);
    bump(this.#hourFares, hour, ride.fare);
    const year = this.#years.get(pickup.getUTCFullYear()) ?? { rides: 0, fares: 0 };
    year.rides++;
    year.fares += ride.fare;
    this.#years.set(pickup.getUTCFullYear(), year);
    bump(this.#buckets, Math.min(BUCKETS, Math.floor(ride.fare / FARE_BUCKET_WIDTH)));
  }

  result(): TaxiAnalysesResult {
    const filteredByReason = Object.fromEntries(this.#filtered) as Record<DirtyReason, number>;
    const filtered = [...this.#filtered.values()].reduce((sum, count) => sum + count, 0);
    const at = (values: readonly number[], index: number): number => values[index] ?? 0;
    return {
      rows: { read: this.#read, used: this.#read - filtered, filtered, filteredByReason },
      ridesPerMonth: MONTH_NAMES.map((name, index) => ({
        month: index + 1,
        name,
        rides: at(this.#months, index),
      })),
      ridesPerWeekday: WEEKDAY_NAMES.map((name, index) => ({
        weekday: index + 1,
        name,
        rides: at(this.#weekdays, index),
      })),
      ridesPerHour: this.#hours.map((rides, hour) => ({ hour, rides })),
      farePerHour: this.#hours.map((rides, hour) => ({
        hour,
        rides,
        meanFare: mean(at(this.#hourFares, hour), rides),
      })),
      farePerYear: [...this.#years.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([year, { rides, fares }]) => ({ year, rides, meanFare: mean(fares, rides) })),
      fareDistribution: {
        bucketWidth: FARE_BUCKET_WIDTH,
        tailFrom: FARE_TAIL_FROM,
        buckets: this.#buckets.map((rides, index) => ({
          from: index * FARE_BUCKET_WIDTH,
          to: index === BUCKETS ? null : (index + 1) * FARE_BUCKET_WIDTH,
          rides,
        })),
      },
    };
  }
}
