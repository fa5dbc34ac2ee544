import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, type ConfigOf, env, loadConfig } from '../src/index.ts';

const kafkaSettings = {
  brokers: env.list('TRIBUTARY_KAFKA_BROKERS', { doc: 'Bootstrap servers, comma-separated host:port' }),
  clientId: env.string('TRIBUTARY_KAFKA_CLIENT_ID', { default: 'tributary', doc: 'Client id' }),
  timeoutMs: env.int('TRIBUTARY_KAFKA_TIMEOUT_MS', { default: 30_000, min: 1, max: 600_000, doc: 'Timeout' }),
  saslUsername: env.string('TRIBUTARY_KAFKA_SASL_USERNAME', { optional: true, doc: 'SASL user' }),
};
const httpSettings = { port: env.port('TRIBUTARY_HTTP_PORT', { default: 8080, doc: 'HTTP port' }) };

function loadError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('reports every problem at once, one per line, with structured issues', () => {
    const error = loadError(() =>
      loadConfig(
        { kafka: kafkaSettings, http: httpSettings },
        { TRIBUTARY_KAFKA_TIMEOUT_MS: 'abc', TRIBUTARY_HTTP_PORT: '-1' },
      ),
    );
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.retriable, false);
    assert.equal(
      error.message,
      [
        'TRIBUTARY_KAFKA_BROKERS: required (Bootstrap servers, comma-separated host:port)',
        "TRIBUTARY_KAFKA_TIMEOUT_MS: expected an integer from 1 to 600000, got 'abc'",
        "TRIBUTARY_HTTP_PORT: expected a port number from 0 to 65535, got '-1'",
      ].join('\n'),
    );
    assert.deepEqual(
      error.issues.map(({ variable, expected, got }) => ({ variable, expected, got })),
      [
        { variable: 'TRIBUTARY_KAFKA_BROKERS', expected: 'a comma-separated list', got: undefined },
        { variable: 'TRIBUTARY_KAFKA_TIMEOUT_MS', expected: 'an integer from 1 to 600000', got: 'abc' },
        { variable: 'TRIBUTARY_HTTP_PORT', expected: 'a port number from 0 to 65535', got: '-1' },
      ],
    );
  });

  test('loads nested groups into the same shape, with defaults filled in', () => {
    const config = loadConfig(
      { kafka: kafkaSettings, http: httpSettings },
      { TRIBUTARY_KAFKA_BROKERS: 'a:9092,b:9092', TRIBUTARY_HTTP_PORT: '0' },
    );
    assert.deepEqual(config, {
      kafka: {
        brokers: ['a:9092', 'b:9092'],
        clientId: 'tributary',
        timeoutMs: 30_000,
        saslUsername: undefined,
      },
      http: { port: 0 },
    });
  });

  test('infers the loaded type from the declarations', () => {
    type KafkaConfig = ConfigOf<typeof kafkaSettings>;
    const config: KafkaConfig = loadConfig(kafkaSettings, { TRIBUTARY_KAFKA_BROKERS: 'a:9092' });
    const brokers: string[] = config.brokers;
    const saslUsername: string | undefined = config.saslUsername;
    // @ts-expect-error an optional setting may be undefined
    const unchecked: string = config.saslUsername;
    assert.deepEqual([brokers, saslUsername, unchecked], [['a:9092'], undefined, undefined]);
  });

  test('reports a variable declared in two groups once', () => {
    const error = loadError(() =>
      loadConfig({ a: httpSettings, b: httpSettings }, { TRIBUTARY_HTTP_PORT: 'x' }),
    );
    assert.equal(error.issues.length, 1);
  });

  test('reads process.env when no environment is given', () => {
    process.env.TRIBUTARY_TEST_LOAD_CONFIG = '7';
    try {
      const settings = { n: env.int('TRIBUTARY_TEST_LOAD_CONFIG', { doc: 'n' }) };
      assert.equal(loadConfig(settings).n, 7);
    } finally {
      delete process.env.TRIBUTARY_TEST_LOAD_CONFIG;
    }
  });
});
