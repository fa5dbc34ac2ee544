import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumedRecord } from '@tributary/kafka';
import { NYC_ZONES, ZoneIndex } from '@tributary/taxi';
import type { TaxiRide } from '@tributary/topics';
import { type AggregationSettings, aggregateBatch, HOUR_MS } from '../../src/processors/zone-hourly.ts';
import { WindowStore } from '../../src/stores/window-store.ts';

const T0 = Date.UTC(2014, 4, 6, 10);
const MIDTOWN: [number, number] = [-73.99, 40.76];
const JFK: [number, number] = [-73.79, 40.645];
const settings: AggregationSettings = {
  watermarkDelayMs: 10 * 60_000,
  allowedLatenessMs: 0,
  inputPartitions: 2,
};
const zones = new ZoneIndex(NYC_ZONES);
let offset = 0;

function ride(
  partition: number,
  pickup: number,
  [lon, lat]: [number, number],
  fare = 10,
): ConsumedRecord<string, TaxiRide> {
  const key = `ride-${offset}`;
  return {
    topic: 'taxi.rides',
    partition,
    offset: String(offset++),
    timestamp: 0,
    key,
    headers: {},
    value: {
      key,
      fareAmount: fare,
      pickupDatetime: new Date(pickup).toISOString(),
      pickupLongitude: lon,
      pickupLatitude: lat,
      dropoffLongitude: lon,
      dropoffLatitude: lat,
      passengerCount: 1,
    },
  };
}

describe('aggregateBatch', () => {
  it('counts rides per zone and hour, fares > 0 only in the fare sum, out of order within the hour', () => {
    const store = new WindowStore();
    const outcome = aggregateBatch(
      [
        ride(0, T0 + 50 * 60_000, MIDTOWN, 12.5),
        ride(0, T0 + 5 * 60_000, MIDTOWN, -3),
        ride(0, T0 + 1000, JFK, 52),
      ],
      0,
      store,
      zones,
      settings,
    );
    const byKey = new Map(outcome.updates.map((u) => [`${u.zone}|${u.hourStart}`, u]));
    const midtown = byKey.get(`midtown-west|${new Date(T0).toISOString()}`);
    assert.deepEqual(
      {
        rides: midtown?.rides,
        priced: midtown?.pricedRides,
        sum: midtown?.fareSum,
        avg: midtown?.avgFare,
        final: midtown?.final,
      },
      { rides: 2, priced: 1, sum: 12.5, avg: 12.5, final: false },
    );
    assert.equal(byKey.get(`jfk-airport|${new Date(T0).toISOString()}`)?.zoneName, 'JFK Airport');
    assert.equal(outcome.watermark, undefined, 'partition 1 has no data yet');
  });

  it('closes an hour only when the slowest partition passed it (a backfill racing ahead on one partition closes nothing)', () => {
    const store = new WindowStore();
    aggregateBatch([ride(0, T0, MIDTOWN)], 0, store, zones, settings);
    const ahead = aggregateBatch([ride(0, T0 + 30 * HOUR_MS, MIDTOWN)], 0, store, zones, settings);
    assert.equal(ahead.finalized, 0);
    const lagging = aggregateBatch([ride(1, T0 + 20 * 60_000, MIDTOWN)], 1, store, zones, settings);
    assert.equal(lagging.finalized, 0, 'watermark = min(…, T0+20m) − 10m is inside the hour');
    assert.equal(lagging.updates.find((u) => u.hourStart === new Date(T0).toISOString())?.rides, 2);
    const passed = aggregateBatch([ride(1, T0 + HOUR_MS + 11 * 60_000, JFK)], 1, store, zones, settings);
    const final = passed.updates.find((u) => u.final);
    assert.deepEqual(
      [final?.zone, final?.hourStart, final?.rides],
      ['midtown-west', new Date(T0).toISOString(), 2],
    );
    assert.equal(passed.finalized, 1);
    assert.equal(passed.watermark, T0 + HOUR_MS + 60_000);
  });

  it('sends a ride for a closed hour to the dead-letter list as late, and keeps counting the rest', () => {
    const store = new WindowStore();
    aggregateBatch([ride(0, T0 + 3 * HOUR_MS, MIDTOWN)], 0, store, zones, settings);
    aggregateBatch([ride(1, T0 + 3 * HOUR_MS, MIDTOWN)], 1, store, zones, settings);
    const outcome = aggregateBatch(
      [ride(0, T0, MIDTOWN), ride(0, T0 + 3 * HOUR_MS, JFK)],
      0,
      store,
      zones,
      settings,
    );
    assert.equal(outcome.late.length, 1);
    assert.match(outcome.late[0]?.reason ?? '', /^late: hour 2014-05-06T10:00:00.000Z closed/);
    assert.equal(outcome.counted, 1);
  });

  it('reverts an aborted batch to the committed state, including windows purged from other partitions', () => {
    const store = new WindowStore();
    aggregateBatch([ride(0, T0, MIDTOWN)], 0, store, zones, settings);
    aggregateBatch([ride(1, T0, MIDTOWN)], 1, store, zones, settings);
    const committed = store.total(`midtown-west|${new Date(T0).toISOString()}`);
    const closing = aggregateBatch(
      [ride(0, T0 + 5 * HOUR_MS, MIDTOWN), ride(1, T0 + 5 * HOUR_MS, JFK)],
      0,
      store,
      zones,
      {
        ...settings,
        inputPartitions: 1,
      },
    );
    assert.equal(closing.finalized, 1);
    assert.ok(closing.changelog.some((e) => e.kind === 'window' && e.partition === 1 && e.totals === null));
    store.revert();
    assert.deepEqual(store.total(`midtown-west|${new Date(T0).toISOString()}`), committed);
    assert.equal(store.maxEventTime(0), T0);
  });

  it('counts a redelivered ride (same key) once while its hour is open, also after a restore', () => {
    const store = new WindowStore();
    const first = ride(0, T0, MIDTOWN);
    const once = aggregateBatch([first, first], 0, store, zones, settings);
    assert.deepEqual([once.counted, once.duplicates], [1, 1]);
    const restored = new WindowStore();
    restored.load(0, once.changelog);
    const again = aggregateBatch([first], 0, restored, zones, settings);
    assert.deepEqual([again.counted, again.duplicates, again.updates.length], [0, 1, 0]);
    assert.equal(restored.total(`midtown-west|${new Date(T0).toISOString()}`).rides, 1);
  });

  it('forgets the ride keys of a closed hour with it (tombstones in the changelog)', () => {
    const store = new WindowStore();
    aggregateBatch([ride(0, T0, MIDTOWN), ride(0, T0 + 5 * HOUR_MS, MIDTOWN)], 0, store, zones, settings);
    const closing = aggregateBatch([ride(1, T0 + 5 * HOUR_MS, JFK)], 1, store, zones, settings);
    assert.equal(closing.finalized, 1);
    assert.ok(closing.changelog.some((e) => e.kind === 'ride' && e.partition === 0 && e.window === null));
  });

  it('writes the batch changes as changelog entries that restore the same state', () => {
    const store = new WindowStore();
    const first = aggregateBatch([ride(0, T0, MIDTOWN, 7), ride(1, T0, JFK, 45)], 0, store, zones, settings);
    const restored = new WindowStore();
    restored.load(0, first.changelog);
    assert.deepEqual(restored.openWindows(), store.openWindows());
    assert.equal(restored.maxEventTime(0), T0);
  });
});
