import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inNyc, parseRideRow, type RowRejection } from '../src/index.ts';

const GOOD =
  '2009-06-15 17:26:21.0000001,4.5,2009-06-15 17:26:21 UTC,-73.844311,40.721319,-73.84161,40.712278,1';
const fields = (row: string) => row.split(',');
const replace = (index: number, value: string) => {
  const copy = fields(GOOD);
  copy[index] = value;
  return copy;
};

describe('parseRideRow', () => {
  it('maps a Kaggle row to a TaxiRide with an ISO UTC pickup time', () => {
    const result = parseRideRow(fields(GOOD));
    assert.deepEqual(result, {
      ok: true,
      ride: {
        key: '2009-06-15 17:26:21.0000001',
        fareAmount: 4.5,
        pickupDatetime: '2009-06-15T17:26:21.000Z',
        pickupLongitude: -73.844311,
        pickupLatitude: 40.721319,
        dropoffLongitude: -73.84161,
        dropoffLatitude: 40.712278,
        passengerCount: 1,
      },
    });
  });

  const rejected: Array<[string, string[], RowRejection]> = [
    ['too few columns', fields(GOOD).slice(0, 6), 'column-count'],
    ['too many columns', [...fields(GOOD), 'x'], 'column-count'],
    ['empty key', replace(0, ''), 'missing-key'],
    ['non-numeric fare', replace(1, 'abc'), 'bad-fare'],
    ['empty fare', replace(1, ''), 'bad-fare'],
    ['month 13', replace(2, '2013-13-45 25:61:00 UTC'), 'bad-datetime'],
    ['February 30', replace(2, '2012-02-30 10:00:00 UTC'), 'bad-datetime'],
    ['ISO instead of the Kaggle form', replace(2, '2009-06-15T17:26:21Z'), 'bad-datetime'],
    ['missing time zone', replace(2, '2009-06-15 17:26:21'), 'bad-datetime'],
    ['empty dropoff longitude', replace(5, ''), 'bad-coordinate'],
    ['NaN latitude', replace(4, 'NaN'), 'bad-coordinate'],
    ['fractional passengers', replace(7, '1.5'), 'bad-passenger-count'],
    ['negative passengers', replace(7, '-1'), 'bad-passenger-count'],
    ['empty passengers', replace(7, ''), 'bad-passenger-count'],
  ];
  for (const [name, row, rejection] of rejected) {
    it(`rejects ${name} as ${rejection}, with a reason`, () => {
      const result = parseRideRow(row);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.rejection, rejection);
      assert.ok(result.reason.length > 0);
    });
  }

  const dirtyButValid: Array<[string, string[]]> = [
    ['zero coordinates', [...fields(GOOD).slice(0, 3), '0', '0', '0', '0', '1']],
    ['a negative fare', replace(1, '-2.5')],
    ['zero passengers', replace(7, '0')],
    ['208 passengers (as in the real file)', replace(7, '208')],
    ['a latitude off the globe (as in the real file)', replace(4, '401.083332')],
  ];
  for (const [name, row] of dirtyButValid) {
    // The stream and the lake keep them (the lake is the raw archive); analyses filter them.
    it(`keeps a row with ${name} as a ride`, () => {
      assert.equal(parseRideRow(row).ok, true);
    });
  }

  it('places a clean Manhattan ride in the NYC box, and 0,0 and a latitude of 401 outside it', () => {
    const result = parseRideRow(fields(GOOD));
    assert.ok(result.ok && inNyc(result.ride.pickupLongitude, result.ride.pickupLatitude));
    assert.equal(inNyc(0, 0), false);
    assert.equal(inNyc(-73.98, 401.083332), false);
  });
});
