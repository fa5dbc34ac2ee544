import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@tributary/config';
import { readStackState, type StackState } from '@tributary/local-stack';
import { readTopic, testKafka } from '@tributary/testing';
import { createKafka, kafkaSettings, TopicRegistry } from '../src/index.ts';
import { itemTopic, testLogger } from './support.ts';

describe('Kafka settings', () => {
  it('fails on a bad SASL mechanism, naming the variable', () => {
    assert.throws(
      () => loadConfig(kafkaSettings, { TRIBUTARY_KAFKA_SASL_MECHANISM: 'kerberos' }),
      (error: unknown) =>
        error instanceof ConfigError && /TRIBUTARY_KAFKA_SASL_MECHANISM/.test(error.message),
    );
  });

  it('fails when SASL is on but the password is missing, naming the variable', () => {
    const settings = loadConfig(kafkaSettings, {
      TRIBUTARY_KAFKA_SASL_MECHANISM: 'scram-sha-256',
      TRIBUTARY_KAFKA_SASL_USERNAME: 'tributary',
    });
    assert.throws(() => createKafka(settings, testLogger), {
      code: 'INVALID_SETTINGS',
      message: /TRIBUTARY_KAFKA_SASL_PASSWORD: required when TRIBUTARY_KAFKA_SASL_MECHANISM is scram-sha-256/,
    });
  });

  it('fails on a TLS CA file that does not exist, naming the file', () => {
    const settings = loadConfig(kafkaSettings, {
      TRIBUTARY_KAFKA_TLS: 'true',
      TRIBUTARY_KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem',
    });
    assert.throws(() => createKafka(settings, testLogger), /\/nonexistent\/ca\.pem/);
  });
});

describe('SASL/SCRAM against the real broker', () => {
  let stack: StackState;
  const topics: string[] = [];

  before(async () => {
    stack = await readStackState();
  });

  after(async () => {
    const admin = (await testKafka()).admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  });

  for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
    it(`authenticates with ${mechanism} and round-trips a record`, async () => {
      const { sasl } = stack.kafka;
      const kafka = createKafka(
        loadConfig(kafkaSettings, {
          TRIBUTARY_KAFKA_BROKERS: sasl.brokers.join(','),
          TRIBUTARY_KAFKA_SASL_MECHANISM: mechanism,
          TRIBUTARY_KAFKA_SASL_USERNAME: sasl.username,
          TRIBUTARY_KAFKA_SASL_PASSWORD: sasl.password,
        }),
        testLogger,
      );
      const topic = itemTopic(`sasl-${mechanism}`, 1);
      const admin = kafka.admin();
      await admin.connect();
      const registry = new TopicRegistry([topic], { defaultReplicationFactor: 1 });
      await registry.ensure(admin);
      topics.push(...registry.topics.map((t) => t.name));
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: topic.name, messages: [{ key: 'k', value: 'over SASL' }] });
      await producer.disconnect();
      const records = await readTopic(kafka, topic.name);
      assert.deepEqual(
        records.map((r) => r.value),
        ['over SASL'],
      );
    });
  }

  it('is refused with a wrong password', async () => {
    const kafka = createKafka(
      loadConfig(kafkaSettings, {
        TRIBUTARY_KAFKA_BROKERS: stack.kafka.sasl.brokers.join(','),
        TRIBUTARY_KAFKA_SASL_MECHANISM: 'scram-sha-256',
        TRIBUTARY_KAFKA_SASL_USERNAME: stack.kafka.sasl.username,
        TRIBUTARY_KAFKA_SASL_PASSWORD: 'wrong',
      }),
      testLogger,
    );
    const admin = kafka.admin({ retry: { retries: 0 } });
    await assert.rejects(admin.connect(), { name: 'KafkaJSSASLAuthenticationError' });
  });
});
