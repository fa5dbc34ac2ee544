import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionValue } from '../src/delta/partition-value.ts';

describe('partition values from the log', () => {
  it('take the type the same column would have in a Parquet file', () => {
    assert.deepEqual(partitionValue('2014-06-01', 'date'), new Date(Date.UTC(2014, 5, 1)));
    assert.deepEqual(
      partitionValue('2014-06-01 08:30:00', 'timestamp'),
      new Date(Date.UTC(2014, 5, 1, 8, 30)),
    );
    assert.deepEqual(
      partitionValue('2014-06-01T08:30:00+02:00', 'timestamp'),
      new Date(Date.UTC(2014, 5, 1, 6, 30)),
    );
    assert.equal(partitionValue('9007199254740993', 'long'), 9007199254740993n);
    assert.equal(partitionValue('42', 'integer'), 42);
    assert.equal(partitionValue('2.5', 'double'), 2.5);
    assert.equal(partitionValue('true', 'boolean'), true);
    assert.equal(partitionValue('a b', 'string'), 'a b');
    assert.equal(partitionValue('12.30', 'decimal(10,2)'), '12.30');
  });

  it('a null partition value is null whatever the type', () => {
    assert.equal(partitionValue(null, 'date'), null);
    assert.equal(partitionValue(undefined, 'long'), null);
  });
});
