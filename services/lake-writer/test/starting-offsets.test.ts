import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@tributary/config';
import { lakeWriterSettings } from '../src/config.ts';
import { parseStartingOffsets, resolveStartingOffset } from '../src/starting-offsets.ts';

const bounds = { low: 10, high: 90 };

describe('starting offsets', () => {
  test('earliest and latest take the partition bounds', () => {
    assert.equal(resolveStartingOffset(parseStartingOffsets('earliest'), 't', 0, bounds), 10);
    assert.equal(resolveStartingOffset(parseStartingOffsets(' latest '), 't', 0, bounds), 90);
  });

  test('JSON per partition: an offset, -2 earliest, -1 latest, missing partitions and topics earliest', () => {
    const starting = parseStartingOffsets('{"taxi.rides":{"0":23,"1":-2,"2":-1}}');
    assert.deepEqual(
      [0, 1, 2, 3].map((p) => resolveStartingOffset(starting, 'taxi.rides', p, bounds)),
      [23, 10, 90, 10],
    );
    assert.equal(resolveStartingOffset(starting, 'other', 0, bounds), 10);
  });

  test('malformed values are refused with the reason', () => {
    assert.throws(() => parseStartingOffsets('newest'), /not earliest, latest, or JSON/);
    assert.throws(() => parseStartingOffsets('[1]'), /JSON must be an object/);
    assert.throws(() => parseStartingOffsets('{"t":{"x":1}}'), /partition 'x' is not a number/);
    assert.throws(() => parseStartingOffsets('{"t":{"0":-3}}'), /offset must be an integer/);
  });

  test('a bad LAKE_WRITER_STARTING_OFFSETS or flush setting stops start-up naming the variable', () => {
    assert.throws(
      () =>
        loadConfig(lakeWriterSettings, {
          LAKE_WRITER_STARTING_OFFSETS: '{"taxi.rides":{"0":"x"}}',
          LAKE_WRITER_FLUSH_ROWS: '0',
        }),
      (error) =>
        error instanceof ConfigError &&
        /LAKE_WRITER_STARTING_OFFSETS/.test(error.message) &&
        /LAKE_WRITER_FLUSH_ROWS/.test(error.message),
    );
    const config = loadConfig(lakeWriterSettings, {});
    assert.deepEqual(config.startingOffsets, { kind: 'earliest' });
    assert.equal(config.failOnDataLoss, true);
    assert.equal(config.table.uri, './.lake/taxi_rides');
  });
});
