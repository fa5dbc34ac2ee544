import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readTopic, testKafka } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchingProducer, KafkaMetrics, TopicRegistry } from '../src/index.ts';
import { itemTopic } from './support.ts';

describe('BatchingProducer against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];

  before(async () => {
    kafka = await testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  });

  it('acknowledges records of concurrent callers and keeps each key in send order', async () => {
    const topic = itemTopic('producer', 3);
    const registry = new TopicRegistry([topic], { defaultReplicationFactor: 1 });
    await registry.ensure(admin);
    topics.push(...registry.topics.map((t) => t.name));
    const metrics = KafkaMetrics.of(new Registry());
    const producer = new BatchingProducer(kafka, { lingerMs: 2, maxBatchRecords: 500, metrics });
    await producer.connect();

    const callers = 8;
    const perCaller = 250;
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let i = 0; i < perCaller; i += 25) {
          const chunk = Array.from({ length: 25 }, (_, j) => caller * perCaller + i + j);
          await producer.send(
            topic,
            chunk.map((id) => ({
              key: `caller-${caller}`,
              value: { id, text: `#${id}` },
              headers: { caller: String(caller) },
            })),
          );
        }
      }),
    );
    await producer.disconnect();

    const records = await readTopic(kafka, topic.name);
    assert.equal(records.length, callers * perCaller);
    for (let caller = 0; caller < callers; caller += 1) {
      const ids = records
        .filter((record) => record.key === `caller-${caller}`)
        .map((record) => (JSON.parse(record.value) as { id: number }).id);
      const expected = Array.from({ length: perCaller }, (_, i) => caller * perCaller + i);
      assert.deepEqual(ids, expected, `caller ${caller}: every record once, in order`);
    }
    assert.ok(records.every((record) => record.headers.caller === record.key.slice('caller-'.length)));
    const produced = (await metrics.produced.get()).values.find((v) => v.labels.topic === topic.name)?.value;
    assert.equal(produced, callers * perCaller);
  });

  it('refuses to send after disconnect, with a typed error', async () => {
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    await producer.disconnect();
    await assert.rejects(producer.send(itemTopic('closed', 1), [{ key: 'k', value: { id: 1, text: 'x' } }]), {
      code: 'PRODUCER_CLOSED',
    });
  });
});
