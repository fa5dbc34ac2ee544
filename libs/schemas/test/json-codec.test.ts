import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, jsonCodec, stringCodec, Type } from '../src/index.ts';

const Reading = Type.Object(
  { machine: Type.String({ minLength: 1 }), timestamp: Type.Integer(), temperature: Type.Number() },
  { $id: 'Reading' },
);
const codec = jsonCodec(Reading);

function failure(bytes: Buffer | null): DecodeError {
  try {
    codec.decode(bytes);
  } catch (error) {
    assert.ok(error instanceof DecodeError);
    return error;
  }
  assert.fail('decode accepted bad input');
}

describe('jsonCodec', () => {
  it('round-trips a valid value', () => {
    const value = { machine: 'm-1', timestamp: 1_700_000_000_000, temperature: 51.5 };
    assert.deepEqual(codec.decode(codec.encode(value)), value);
    assert.equal(codec.name, 'json:Reading');
  });

  it('rejects bad JSON as malformed, naming the parse error', () => {
    const error = failure(Buffer.from('{"machine": "m-1",'));
    assert.equal(error.failure, 'malformed');
    assert.match(error.message, /^invalid JSON: /);
    assert.equal(error.code, 'DECODE_FAILED');
    assert.equal(error.retriable, false);
  });

  it('rejects a missing field, naming its path', () => {
    const error = failure(Buffer.from('{"machine":"m-1","timestamp":1}'));
    assert.equal(error.failure, 'schema');
    assert.match(error.message, /\/temperature/);
  });

  it('rejects a string where a number is declared', () => {
    const error = failure(Buffer.from('{"machine":"m-1","timestamp":1,"temperature":"hot"}'));
    assert.match(error.message, /\/temperature: Expected number/);
  });

  it('rejects NaN written as a bare word, which JSON does not allow', () => {
    assert.equal(
      failure(Buffer.from('{"machine":"m-1","timestamp":1,"temperature":NaN}')).failure,
      'malformed',
    );
  });

  it('rejects a tombstone as missing', () => {
    assert.equal(failure(null).failure, 'missing');
  });
});

describe('stringCodec', () => {
  it('round-trips UTF-8 keys', () => {
    assert.equal(stringCodec.decode(stringCodec.encode('#café')), '#café');
  });
});
