import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumedRecord } from '@tributary/kafka';
import { HOUR_MS } from '../../src/processors/route-rides.ts';
import { aggregateBatch } from '../../src/processors/zone-hourly.ts';
import { WindowStore, ZoneWindows } from '../../src/stores/zone-windows.ts';
import type { RepartitionRecord } from '../../src/topics.ts';
import { settings, T0, zones } from './fixtures.ts';

let offset = 0;
const record = (value: RepartitionRecord): ConsumedRecord<string, RepartitionRecord> => ({
  topic: 'zone-aggregator.zones-repartition',
  partition: 0,
  offset: String(offset++),
  timestamp: 0,
  key: value.kind === 'ride' ? value.zone : '@watermark',
  headers: {},
  value,
});
const ride = (zone: string, hourStart: number, key: string, fareCents = 1000) =>
  record({ kind: 'ride', zone, hourStart, ride: key, fareCents });
const watermark = (source: number, at: number) => record({ kind: 'watermark', source, watermark: at });
const hour = (start: number) => new Date(start).toISOString();

describe('aggregateBatch (stage 2)', () => {
  it('counts rides per zone and hour, fares > 0 only in the fare sum', () => {
    const state = new ZoneWindows(2);
    const batch = aggregateBatch(
      [
        ride('midtown-west', T0, 'a', 1250),
        ride('midtown-west', T0, 'b', -300),
        ride('jfk-airport', T0, 'c', 5200),
      ],
      state,
      zones,
      settings,
    );
    const midtown = batch.updates.find((u) => u.zone === 'midtown-west');
    assert.deepEqual(
      [midtown?.rides, midtown?.pricedRides, midtown?.fareSum, midtown?.avgFare, midtown?.final],
      [2, 1, 12.5, 12.5, false],
    );
    assert.equal(batch.updates.find((u) => u.zone === 'jfk-airport')?.zoneName, 'JFK Airport');
    assert.equal(state.watermark, undefined, 'no source has sent a watermark');
  });

  it('closes an hour only when every source partition passed it (one racing ahead closes nothing)', () => {
    const state = new ZoneWindows(2);
    aggregateBatch([ride('midtown-west', T0, 'a'), watermark(0, T0 + 30 * HOUR_MS)], state, zones, settings);
    assert.equal(state.watermark, undefined);
    const lagging = aggregateBatch(
      [ride('midtown-west', T0, 'b'), watermark(1, T0 + 10 * 60_000)],
      state,
      zones,
      settings,
    );
    assert.equal(lagging.finalized, 0);
    assert.equal(lagging.updates[0]?.rides, 2);
    const passed = aggregateBatch([watermark(1, T0 + HOUR_MS)], state, zones, settings);
    assert.deepEqual(
      passed.updates.map((u) => [u.zone, u.hourStart, u.rides, u.final]),
      [['midtown-west', hour(T0), 2, true]],
    );
    assert.equal(state.watermark, T0 + HOUR_MS);
    assert.deepEqual([...state.windows.keys()], []);
  });

  it('counts a redelivered ride (same key) once while its hour is open, also after a restore', () => {
    const store = new WindowStore(1);
    store.load(0, new Map());
    const once = aggregateBatch(
      [ride('chelsea', T0, 'r1'), ride('chelsea', T0, 'r1')],
      store.of(0),
      zones,
      settings,
    );
    assert.deepEqual([once.counted, once.duplicates], [1, 1]);
    const restored = new WindowStore(1);
    restored.load(0, new Map(once.changes.map(({ key, value }) => [key, value])));
    const again = aggregateBatch([ride('chelsea', T0, 'r1')], restored.of(0), zones, settings);
    assert.deepEqual([again.counted, again.duplicates, again.updates.length], [0, 1, 0]);
  });

  it('forgets a closed hour and its ride keys (tombstones), and its changes restore the same state', () => {
    const state = new ZoneWindows(1);
    const changes = new Map<string, unknown>();
    const apply = (batch: ReturnType<typeof aggregateBatch>) => {
      for (const { key, value } of batch.changes) changes.set(key, value);
    };
    apply(
      aggregateBatch([ride('chelsea', T0, 'x'), ride('soho', T0 + 3 * HOUR_MS, 'y')], state, zones, settings),
    );
    const closing = aggregateBatch([watermark(0, T0 + 2 * HOUR_MS)], state, zones, settings);
    apply(closing);
    assert.equal(closing.finalized, 1);
    assert.deepEqual(
      closing.changes.filter(({ value }) => value === null).map(({ key }) => key),
      [`chelsea|${hour(T0)}`, '@ride|x'],
    );
    const restored = new WindowStore(1);
    restored.load(0, changes as Map<string, never>);
    assert.deepEqual([...restored.of(0).windows], [...state.windows]);
    assert.equal(restored.of(0).watermark, T0 + 2 * HOUR_MS);
    const late = aggregateBatch([ride('chelsea', T0, 'z')], restored.of(0), zones, settings);
    assert.equal(late.late.length, 1, 'a ride for a closed hour is not counted into it again');
  });
});
