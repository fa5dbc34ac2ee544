import assert from 'node:assert/strict';
import type { TaxiRide } from '@tributary/topics';
import type { LakeReport } from '../src/index.ts';

/** The article's analyses computed the plain way from the rows the table should hold. */
export function referenceReport(rides: readonly TaxiRide[]) {
  const inNyc = (lon: number, lat: number) => lon > -74.3 && lon < -73.6 && lat > 40.5 && lat < 41;
  const reasonOf = (ride: TaxiRide): string | undefined => {
    const coordinates = [
      ride.pickupLongitude,
      ride.pickupLatitude,
      ride.dropoffLongitude,
      ride.dropoffLatitude,
    ];
    if (coordinates.includes(0)) return 'zero-coordinates';
    if (
      !inNyc(ride.pickupLongitude, ride.pickupLatitude) ||
      !inNyc(ride.dropoffLongitude, ride.dropoffLatitude)
    )
      return 'outside-nyc';
    if (ride.fareAmount <= 0) return 'non-positive-fare';
    if (ride.fareAmount > 500) return 'absurd-fare';
    if (ride.passengerCount < 1) return 'no-passengers';
    return undefined;
  };
  const clean = rides.filter((ride) => reasonOf(ride) === undefined);
  const at = (ride: TaxiRide) => new Date(ride.pickupDatetime);
  const meanFare = (group: readonly TaxiRide[]) =>
    group.length === 0 ? null : group.reduce((sum, ride) => sum + ride.fareAmount, 0) / group.length;
  const hours = Array.from({ length: 24 }, (_, hour) =>
    clean.filter((ride) => at(ride).getUTCHours() === hour),
  );
  const years = [...new Set(clean.map((ride) => at(ride).getUTCFullYear()))].sort();
  const reasons = [
    'missing-value',
    'zero-coordinates',
    'outside-nyc',
    'non-positive-fare',
    'absurd-fare',
    'no-passengers',
  ];
  return {
    read: rides.length,
    filteredByReason: Object.fromEntries(
      reasons.map((reason) => [reason, rides.filter((ride) => reasonOf(ride) === reason).length]),
    ),
    ridesPerMonth: Array.from(
      { length: 12 },
      (_, month) => clean.filter((ride) => at(ride).getUTCMonth() === month).length,
    ),
    // Monday first: getUTCDay() is 0 on Sunday.
    ridesPerWeekday: [1, 2, 3, 4, 5, 6, 0].map(
      (day) => clean.filter((ride) => at(ride).getUTCDay() === day).length,
    ),
    ridesPerHour: hours.map((group) => group.length),
    farePerHour: hours.map(meanFare),
    farePerYear: years.map((year) => ({
      year,
      meanFare: meanFare(clean.filter((ride) => at(ride).getUTCFullYear() === year)),
    })),
    fareBuckets: [
      ...Array.from(
        { length: 20 },
        (_, index) =>
          clean.filter((ride) => ride.fareAmount >= index * 2.5 && ride.fareAmount < (index + 1) * 2.5)
            .length,
      ),
      clean.filter((ride) => ride.fareAmount >= 50).length,
    ],
  };
}

function assertClose(actual: number | null, expected: number | null, what: string): void {
  if (actual === null || expected === null) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} ≠ ${expected}`,
  );
}

export function assertReportMatches(report: LakeReport, rides: readonly TaxiRide[]): void {
  const expected = referenceReport(rides);
  assert.equal(report.rows.read, expected.read);
  assert.deepEqual(report.rows.filteredByReason, expected.filteredByReason);
  assert.equal(report.rows.filtered + report.rows.used, report.rows.read);
  assert.deepEqual(
    report.ridesPerMonth.map((month) => month.rides),
    expected.ridesPerMonth,
  );
  assert.deepEqual(
    report.ridesPerWeekday.map((day) => day.rides),
    expected.ridesPerWeekday,
  );
  assert.deepEqual(
    report.ridesPerHour.map((hour) => hour.rides),
    expected.ridesPerHour,
  );
  for (const [index, hour] of report.farePerHour.entries())
    assertClose(hour.meanFare, expected.farePerHour[index] ?? null, `fare at ${index}h`);
  assert.deepEqual(
    report.farePerYear.map((year) => year.year),
    expected.farePerYear.map((year) => year.year),
  );
  for (const [index, year] of report.farePerYear.entries())
    assertClose(year.meanFare, expected.farePerYear[index]?.meanFare ?? null, `fare in ${year.year}`);
  assert.deepEqual(
    report.fareDistribution.buckets.map((bucket) => bucket.rides),
    expected.fareBuckets,
  );
}
