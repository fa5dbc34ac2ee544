import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumedRecord } from '@tributary/kafka';
import type { ZoneHourly } from '@tributary/topics';
import { servingChanges } from '../../src/processors/serving-rows.ts';

const HOUR = '2014-03-03T17:00:00.000Z';
const value = (rides: number, zone = 'midtown-west'): ZoneHourly => ({
  zone,
  zoneName: 'Midtown West / Times Square',
  borough: 'Manhattan',
  hourStart: HOUR,
  rides,
  pricedRides: rides,
  fareSum: rides * 10,
  avgFare: 10,
  final: false,
});
let offset = 0;
const record = (key: string, v: ZoneHourly | null): ConsumedRecord<string, ZoneHourly | null> => ({
  topic: 'taxi.zone-hourly',
  partition: 1,
  offset: String(offset++),
  timestamp: 0,
  key,
  value: v,
  headers: {},
});

describe('servingChanges', () => {
  it('keeps the latest record per key of the batch, with its offset', () => {
    const changes = servingChanges([
      record(`midtown-west|${HOUR}`, value(1)),
      record(`jfk-airport|${HOUR}`, value(4, 'jfk-airport')),
      record(`midtown-west|${HOUR}`, value(2)),
    ]);
    assert.deepEqual(
      changes.upserts.map((row) => [row.zoneId, row.hourStart, row.rides, row.partition]),
      [
        ['jfk-airport', HOUR, 4, 1],
        ['midtown-west', HOUR, 2, 1],
      ],
    );
    assert.equal(changes.upserts[1]?.offset, String(offset - 1));
    assert.deepEqual(changes.deletes, []);
  });

  it('a tombstone deletes the key, and a later record of the same batch brings it back', () => {
    const deleted = servingChanges([
      record(`midtown-west|${HOUR}`, value(1)),
      record(`midtown-west|${HOUR}`, null),
    ]);
    assert.deepEqual(deleted.upserts, []);
    assert.deepEqual(deleted.deletes, [{ zoneId: 'midtown-west', hourStart: HOUR }]);
    const back = servingChanges([
      record(`midtown-west|${HOUR}`, null),
      record(`midtown-west|${HOUR}`, value(3)),
    ]);
    assert.deepEqual(back.deletes, []);
    assert.equal(back.upserts[0]?.rides, 3);
  });

  it('rejects a key that is not zone|hour or disagrees with its value', () => {
    const changes = servingChanges([
      record('midtown-west', value(1)),
      record(`jfk-airport|${HOUR}`, value(1)),
      record('|not-a-date', null),
    ]);
    assert.deepEqual(changes.upserts, []);
    const reasons = changes.rejected.map(({ reason }) => reason);
    assert.equal(reasons.length, 3);
    assert.match(reasons[0] ?? '', /is not <zone>\|<hourStart ISO>/);
    assert.match(reasons[1] ?? '', /does not match the value/);
    assert.match(reasons[2] ?? '', /is not <zone>\|<hourStart ISO>/);
  });
});
