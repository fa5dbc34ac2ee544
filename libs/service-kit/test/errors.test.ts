import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TributaryError } from '../src/index.ts';

test('a TributaryError carries its code, retriability, cause and context', () => {
  const cause = new Error('broker unreachable');
  const error = new TributaryError('KAFKA_UNAVAILABLE', 'no broker answered', {
    retriable: true,
    cause,
    context: { topic: 'tweets', partition: 3 },
  });
  assert.equal(error.code, 'KAFKA_UNAVAILABLE');
  assert.equal(error.retriable, true);
  assert.equal(error.cause, cause);
  assert.deepEqual(error.context, { topic: 'tweets', partition: 3 });
  assert.equal(error.name, 'TributaryError');
});

test('a TributaryError is not retriable unless it says so, and subclasses keep their own name', () => {
  class DeserializationError extends TributaryError<'DESERIALIZATION_FAILED'> {}
  const error = new DeserializationError('DESERIALIZATION_FAILED', 'not JSON');
  assert.equal(error.retriable, false);
  assert.equal(error.name, 'DeserializationError');
  assert.ok(error instanceof TributaryError);
  assert.equal('cause' in error, false);
});
