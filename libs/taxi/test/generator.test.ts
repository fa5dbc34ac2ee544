import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateRideRows,
  KAGGLE_COLUMNS,
  NYC_ZONES,
  parsePickupDatetime,
  parseRideRow,
  UNKNOWN_ZONE,
  ZoneIndex,
} from '../src/index.ts';

const rows = (options: Parameters<typeof generateRideRows>[0]) => [...generateRideRows(options)];

describe('generateRideRows', () => {
  it('is deterministic per seed and differs across seeds', () => {
    assert.deepEqual(rows({ rows: 500, seed: 7 }), rows({ rows: 500, seed: 7 }));
    assert.notDeepEqual(rows({ rows: 500, seed: 7 }), rows({ rows: 500, seed: 8 }));
  });

  it('writes mostly valid rides with unique keys, a few dirty rows of each kind', () => {
    const all = rows({ rows: 20_000, seed: 1, dirtyFraction: 0.02 });
    const results = all.map((row) => parseRideRow(row.split(',')));
    const rides = results.flatMap((r) => (r.ok ? [r.ride] : []));
    const rejections = new Set(results.flatMap((r) => (r.ok ? [] : [r.rejection])));
    assert.ok(rides.length > 19_700 && rides.length < 20_000, `${rides.length} valid`);
    assert.deepEqual([...rejections].sort(), ['bad-coordinate', 'bad-datetime', 'column-count']);
    assert.equal(new Set(rides.map((r) => r.key)).size, rides.length);
    assert.ok(rides.some((r) => r.fareAmount < 0));
    assert.ok(rides.some((r) => r.pickupLongitude === 0 && r.pickupLatitude === 0));
    const fares = rides.map((r) => r.fareAmount).filter((f) => f > 0);
    const share = fares.filter((f) => f >= 3 && f <= 20).length / fares.length;
    assert.ok(share > 0.75, `share of fares in $3–20: ${share}`);
    assert.ok(Math.max(...fares) > 50, 'a long tail of fares');
    const ones = rides.filter((r) => r.passengerCount === 1).length / rides.length;
    assert.ok(ones > 0.6 && Math.max(...rides.map((r) => r.passengerCount)) === 6);
  });

  it('puts most pickups in known zones, Midtown above Staten Island, and spans 2009–2015', () => {
    const zones = new ZoneIndex(NYC_ZONES);
    const counts = new Map<string, number>();
    const years = new Set<number>();
    for (const row of rows({ rows: 20_000, seed: 2, dirtyFraction: 0 })) {
      const result = parseRideRow(row.split(','));
      assert.ok(result.ok);
      const zone = zones.locate(result.ride.pickupLongitude, result.ride.pickupLatitude).id;
      counts.set(zone, (counts.get(zone) ?? 0) + 1);
      years.add(new Date(result.ride.pickupDatetime).getUTCFullYear());
    }
    assert.ok((counts.get(UNKNOWN_ZONE.id) ?? 0) < 1000);
    assert.ok((counts.get('midtown-west') ?? 0) > 10 * (counts.get('st-george') ?? 0));
    assert.deepEqual([...years].sort(), [2009, 2010, 2011, 2012, 2013, 2014, 2015]);
  });

  it('has more evening than early-morning pickups and more Fridays than Sundays', () => {
    const hours = new Array<number>(24).fill(0);
    const weekdays = new Array<number>(7).fill(0);
    for (const row of rows({ rows: 30_000, seed: 3, dirtyFraction: 0 })) {
      const time = new Date(parsePickupDatetime(row.split(',')[2] ?? '') ?? Number.NaN);
      hours[time.getUTCHours()] = (hours[time.getUTCHours()] ?? 0) + 1;
      weekdays[time.getUTCDay()] = (weekdays[time.getUTCDay()] ?? 0) + 1;
    }
    assert.ok((hours[19] ?? 0) > 3 * (hours[5] ?? 0));
    assert.ok((weekdays[5] ?? 0) > (weekdays[0] ?? 0));
  });

  it('keeps pickups in order but for rows at most maxDisorderMs late', () => {
    const maxDisorderMs = 10 * 60_000;
    let latest = 0;
    let late = 0;
    for (const row of rows({ rows: 10_000, seed: 4, dirtyFraction: 0, maxDisorderMs })) {
      const time = parsePickupDatetime(row.split(',')[2] ?? '') ?? Number.NaN;
      assert.ok(time > latest - maxDisorderMs, 'no row later than the bound');
      if (time < latest) late++;
      latest = Math.max(latest, time);
    }
    assert.ok(late > 0, 'some rows out of order');
  });

  it('writes the eight train.csv columns', () => {
    for (const row of rows({ rows: 100, dirtyFraction: 0 }))
      assert.equal(row.split(',').length, KAGGLE_COLUMNS.length);
  });
});
