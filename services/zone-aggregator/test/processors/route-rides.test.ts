import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOUR_MS, routeRides } from '../../src/processors/route-rides.ts';
import { JFK, MIDTOWN, ride, settings, T0, zones } from './fixtures.ts';

describe('routeRides (stage 1)', () => {
  it('locates each ride in its pickup zone and hour, fares in cents, and tracks the latest pickup', () => {
    const batch = routeRides(
      [ride(T0 + 50 * 60_000, MIDTOWN, 12.5), ride(T0 + 1000, JFK, 52)],
      undefined,
      zones,
      settings,
    );
    assert.deepEqual(
      batch.routed.map(({ zone, hourStart, fareCents }) => [zone, hourStart, fareCents]),
      [
        ['midtown-west', T0, 1250],
        ['jfk-airport', T0, 5200],
      ],
    );
    assert.equal(batch.maxEventTime, T0 + 50 * 60_000);
    assert.deepEqual(batch.late, []);
  });

  it("sends a ride for an hour its own partition's watermark closed to the dead-letter list as late", () => {
    const batch = routeRides(
      [ride(T0, MIDTOWN), ride(T0 + 3 * HOUR_MS, JFK)],
      T0 + 3 * HOUR_MS,
      zones,
      settings,
    );
    assert.equal(batch.late.length, 1);
    assert.match(
      batch.late[0]?.reason ?? '',
      /^late: hour 2014-05-06T10:00:00.000Z closed at watermark 2014-05-06T12:50/,
    );
    assert.equal(batch.routed.length, 1);
  });

  it('decides lateness ride by ride, so batch boundaries (live or backfill) do not change it', () => {
    const rides = [ride(T0 + 2 * HOUR_MS, MIDTOWN), ride(T0 + 5 * 60_000, MIDTOWN), ride(T0 + HOUR_MS, JFK)];
    const whole = routeRides(rides, undefined, zones, settings);
    let before: number | undefined;
    const split = rides.map((one) => {
      const batch = routeRides([one], before, zones, settings);
      before = batch.maxEventTime;
      return batch;
    });
    assert.deepEqual(
      split.flatMap((batch) => batch.late.map(({ record }) => record.key)),
      whole.late.map(({ record }) => record.key),
    );
    assert.equal(whole.late.length, 1, 'the ride of 10:05 after one of 12:00 (watermark 11:50 ≥ 11:00)');
  });
});
