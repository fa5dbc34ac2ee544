import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { committedTotal, readTopic, stackBrokers, uniqueName, waitFor } from '@tributary/testing';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  AtLeastOnceConsumer,
  type ConsumedRecord,
  DEAD_LETTER_HEADERS,
  handle,
  KafkaLayerError,
  type TopicSpec,
} from '../src/index.ts';
import type { Item } from './fixtures/item-topic.ts';
import { exitOf, ItemTopics, itemTopic, startFixture, testLogger } from './support.ts';

describe('AtLeastOnceConsumer against the real broker', () => {
  let items: ItemTopics;
  let kafka: Kafka;
  const declare = (...topics: TopicSpec<string, Item>[]) => items.declare(...topics);
  const produceItems = (topic: TopicSpec<string, Item>, count: number) => items.produce(topic, count, 10);

  before(async () => {
    items = await ItemTopics.open();
    ({ kafka } = items);
  });

  after(() => items.close());

  it('sends malformed records to the dead-letter topic with origin and reason, and goes on with the next', async () => {
    const topic = itemTopic('dlq', 1);
    await declare(topic);
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: topic.name,
      messages: [
        { key: 'a', value: JSON.stringify({ id: 1, text: 'first' }) },
        { key: 'b', value: '{"id": 2, "text": ' },
        { key: 'c', value: JSON.stringify({ id: 'three', text: 'bad id' }) },
        { key: 'd', value: JSON.stringify({ id: 4, text: 'reject me' }) },
        { key: 'e', value: JSON.stringify({ id: 5, text: 'last' }) },
      ],
    });
    await raw.disconnect();
    const seen: number[] = [];
    const registry = new Registry();
    const groupId = uniqueName('dlq-group');
    const consumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        handlers: [
          handle(topic, (records, context) => {
            for (const record of records) {
              if (record.value.text === 'reject me') context.reject(record, 'text asks to be rejected');
              else seen.push(record.value.id);
            }
          }),
        ],
      },
      { registry, logger: testLogger },
    );
    const running = consumer.start();
    await waitFor('all five offsets committed', async () =>
      (await committedTotal(kafka, groupId, topic.name)) === 5n ? true : undefined,
    );
    await consumer.stop();
    await running;

    assert.deepEqual(seen, [1, 5]);
    const letters = await readTopic(kafka, topic.deadLetterTopic);
    assert.deepEqual(
      letters.map((letter) => ({
        key: letter.key,
        origin: `${letter.headers[DEAD_LETTER_HEADERS.topic]}/${letter.headers[DEAD_LETTER_HEADERS.partition]}@${letter.headers[DEAD_LETTER_HEADERS.offset]}`,
        failure: letter.headers[DEAD_LETTER_HEADERS.failure],
        group: letter.headers[DEAD_LETTER_HEADERS.group],
      })),
      [
        { key: 'b', origin: `${topic.name}/0@1`, failure: 'malformed', group: groupId },
        { key: 'c', origin: `${topic.name}/0@2`, failure: 'schema', group: groupId },
        { key: 'd', origin: `${topic.name}/0@3`, failure: 'rejected', group: groupId },
      ],
    );
    assert.match(letters[0]?.headers[DEAD_LETTER_HEADERS.reason] ?? '', /^invalid JSON/);
    assert.match(letters[1]?.headers[DEAD_LETTER_HEADERS.reason] ?? '', /\/id: Expected integer/);
    assert.equal(letters[2]?.headers[DEAD_LETTER_HEADERS.reason], 'text asks to be rejected');
    assert.equal(letters[0]?.value, '{"id": 2, "text": ', 'the original bytes are kept');

    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string, labels: Record<string, string>) =>
      metrics
        .find((metric) => metric.name === name)
        ?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
    assert.equal(value('tributary_messages_consumed_total', { topic: topic.name }), 5);
    assert.equal(value('tributary_messages_failed_total', { topic: topic.name, failure: 'malformed' }), 1);
    assert.equal(value('tributary_messages_failed_total', { topic: topic.name, failure: 'rejected' }), 1);
    assert.equal(value('tributary_messages_produced_total', { topic: topic.deadLetterTopic }), 3);
    assert.equal(
      value('tributary_consumer_lag_messages', { group: groupId, topic: topic.name, partition: '0' }),
      0,
    );
  });

  it('pauses on a retriable handler failure, commits nothing meanwhile, and redelivers the same records', async () => {
    const topic = itemTopic('retry', 1);
    await declare(topic);
    await produceItems(topic, 20);
    const groupId = uniqueName('retry-group');
    const deliveries: number[][] = [];
    let failuresLeft = 2;
    const committedDuringFailures: bigint[] = [];
    const consumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        handlers: [
          handle(topic, async (records: readonly ConsumedRecord<string, Item>[]) => {
            deliveries.push(records.map((record) => record.value.id));
            if (failuresLeft > 0) {
              failuresLeft -= 1;
              committedDuringFailures.push(await committedTotal(kafka, groupId, topic.name));
              throw new KafkaLayerError('TRANSACTION_FAILED', 'sink unavailable (simulated)', {
                retriable: true,
              });
            }
          }),
        ],
      },
      { registry: new Registry(), logger: testLogger },
    );
    const running = consumer.start();
    await waitFor('offsets committed after the retries', async () =>
      (await committedTotal(kafka, groupId, topic.name)) === 20n ? true : undefined,
    );
    await consumer.stop();
    await running;

    assert.deepEqual(committedDuringFailures, [0n, 0n]);
    assert.ok(deliveries.length >= 3);
    assert.equal(deliveries[0]?.[0], 0, 'the first delivery starts at the beginning');
    assert.equal(deliveries[1]?.[0], 0, 'the failed batch is delivered again from its first record');
    assert.deepEqual(
      [...new Set(deliveries.slice(2).flat())].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('loses nothing when killed with SIGKILL between processing and commit', async () => {
    const topic = itemTopic('kill', 3);
    await declare(topic);
    const total = 300;
    await produceItems(topic, total);
    const groupId = uniqueName('kill-group');
    const sinkFile = join(await mkdtemp(join(tmpdir(), 'tributary-alo-')), 'sink.txt');
    const env = {
      TRIBUTARY_KAFKA_BROKERS: (await stackBrokers()).join(','),
      INPUT_TOPIC: topic.name,
      GROUP_ID: groupId,
      SINK_FILE: sinkFile,
    };

    const first = startFixture('at-least-once-worker', { ...env, HANG_AT_ID: '150' });
    const hung = await waitFor('the worker to hang before committing', () => {
      const line = first.lines.find((l) => l.includes('processed-not-committed'));
      return line ? (JSON.parse(line) as { ids: number[] }) : undefined;
    });
    first.child.kill('SIGKILL');
    assert.equal((await exitOf(first.child)).signal, 'SIGKILL');
    assert.ok(
      (await committedTotal(kafka, groupId, topic.name)) < BigInt(total),
      'the hung batch was not committed',
    );

    const second = startFixture('at-least-once-worker', env);
    await waitFor('every offset committed after the restart', async () =>
      (await committedTotal(kafka, groupId, topic.name)) === BigInt(total) ? true : undefined,
    );
    second.child.kill('SIGTERM');
    assert.equal((await exitOf(second.child)).code, 0);

    const written = readFileSync(sinkFile, 'utf8').trim().split('\n').map(Number);
    const counts = new Map<number, number>();
    for (const id of written) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = Array.from({ length: total }, (_, id) => id).filter((id) => !counts.has(id));
    assert.deepEqual(missing, [], 'no record is lost');
    for (const id of hung.ids)
      assert.equal(counts.get(id), 2, `record ${id} of the killed batch is processed again`);
  });
});
