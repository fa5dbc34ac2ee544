import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../src/errors.ts';
import { loadSettings } from '../src/settings.ts';

test('ports default off the usual ones so a system service never collides', () => {
  const settings = loadSettings({});
  assert.equal(settings.kafkaPort, 19092);
  assert.equal(settings.postgresPort, 15432);
  assert.equal(settings.influxPort, 18086);
  assert.equal(settings.prometheusPort, 19090);
});

test('a port variable overrides its default', () => {
  assert.equal(loadSettings({ TRIBUTARY_STACK_POSTGRES_PORT: '25432' }).postgresPort, 25432);
});

test('a malformed variable fails naming the variable and the expected form', () => {
  assert.throws(
    () => loadSettings({ TRIBUTARY_STACK_KAFKA_PORT: 'abc' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.code === 'CONFIG_INVALID' &&
      error.variable === 'TRIBUTARY_STACK_KAFKA_PORT' &&
      /expected an integer from 1024/.test(error.message),
  );
});
