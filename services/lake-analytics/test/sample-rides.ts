import { generateRideRows, parseRideRow } from '@tributary/taxi';
import type { TaxiRide } from '@tributary/topics';

export interface SampleOptions {
  readonly rows: number;
  readonly seed: number;
  /** Pickups from this instant (epoch ms; default 2014-12-25: across a new year). */
  readonly from?: number;
  /** Over this many days (default 14): one pickup-date partition a day. */
  readonly days?: number;
}

/**
 * Rides of the taxi generator's deterministic sample (rows that fail to parse are what the replayer
 * dead-letters and never reach the lake), plus a few implausible ones it does not make.
 */
export function sampleRides(options: SampleOptions): TaxiRide[] {
  const from = options.from ?? Date.UTC(2014, 11, 25);
  const rides: TaxiRide[] = [];
  for (const line of generateRideRows({
    rows: options.rows,
    seed: options.seed,
    from,
    to: from + (options.days ?? 14) * 86_400_000,
    dirtyFraction: 0.05,
  })) {
    const result = parseRideRow(line.split(','));
    if (result.ok) rides.push(result.ride);
  }
  const base = rides[0];
  if (!base) return rides;
  return [
    ...rides,
    { ...base, key: `${base.key}-absurd`, fareAmount: 1234.5 },
    { ...base, key: `${base.key}-free`, fareAmount: 0 },
    { ...base, key: `${base.key}-outside`, pickupLongitude: -80.1 },
  ];
}

/** Rows sorted by key, for comparing tables whose file order is not the insertion order. */
export const byKey = <Row extends { key: string }>(rows: readonly Row[]): Row[] =>
  [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
