import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Readiness } from '../src/readiness.ts';

test('readiness with no checks is ready', () => {
  assert.equal(new Readiness().ready, true);
});

test('a new check fails until its owner reports, and readiness needs every check to pass', () => {
  const readiness = new Readiness();
  const consumer = readiness.register('kafka-consumer');
  const store = readiness.register('state-store');
  assert.deepEqual(readiness.failing(), [
    { check: 'kafka-consumer', reason: 'not reported yet' },
    { check: 'state-store', reason: 'not reported yet' },
  ]);

  consumer.pass();
  assert.equal(readiness.ready, false);
  store.pass();
  assert.equal(readiness.ready, true);

  consumer.fail('rebalancing');
  assert.deepEqual(readiness.failing(), [{ check: 'kafka-consumer', reason: 'rebalancing' }]);
});

test('listeners hear only when readiness flips', () => {
  const readiness = new Readiness();
  const heard: boolean[] = [];
  readiness.onChange((ready) => heard.push(ready));
  const check = readiness.register('consumer');
  check.pass();
  check.pass();
  check.fail('rebalancing');
  check.fail('still rebalancing');
  assert.deepEqual(heard, [false, true, false]);
});

test('a check name can be registered once', () => {
  const readiness = new Readiness();
  readiness.register('consumer');
  assert.throws(() => readiness.register('consumer'), /already registered/);
});
