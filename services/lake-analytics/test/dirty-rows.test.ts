import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dirtyReason, instantOf, type RideFacts } from '../src/index.ts';

const clean: RideFacts = {
  fare: 12.5,
  pickupMs: Date.UTC(2014, 5, 1, 8),
  pickupLongitude: -73.98,
  pickupLatitude: 40.75,
  dropoffLongitude: -73.95,
  dropoffLatitude: 40.78,
  passengerCount: 1,
};

describe('dirty rows', () => {
  it('a plausible Manhattan ride is clean', () => {
    assert.equal(dirtyReason(clean), undefined);
  });

  it('names the first reason a row is left out', () => {
    const cases: [Partial<RideFacts>, string][] = [
      [{ fare: Number.NaN }, 'missing-value'],
      [{ pickupMs: Number.NaN }, 'missing-value'],
      [{ dropoffLatitude: 0 }, 'zero-coordinates'],
      [{ pickupLongitude: 0, fare: -3 }, 'zero-coordinates'],
      [{ pickupLongitude: -80 }, 'outside-nyc'],
      [{ fare: 0 }, 'non-positive-fare'],
      [{ fare: -2.5 }, 'non-positive-fare'],
      [{ fare: 500.01 }, 'absurd-fare'],
      [{ passengerCount: 0 }, 'no-passengers'],
    ];
    for (const [change, reason] of cases)
      assert.equal(dirtyReason({ ...clean, ...change }), reason, JSON.stringify(change));
  });

  it('a fare of exactly $500 is still a ride', () => {
    assert.equal(dirtyReason({ ...clean, fare: 500 }), undefined);
  });
});

describe('pickup instants', () => {
  it('reads Parquet timestamps, ISO strings and the Kaggle CSV form alike', () => {
    const expected = Date.UTC(2012, 0, 1, 10, 0, 0);
    assert.equal(instantOf(new Date(expected)), expected);
    assert.equal(instantOf('2012-01-01T10:00:00.000Z'), expected);
    assert.equal(instantOf('2012-01-01 10:00:00 UTC'), expected);
    assert.ok(Number.isNaN(instantOf(null)));
    assert.ok(Number.isNaN(instantOf('yesterday')));
  });
});
