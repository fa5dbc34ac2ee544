import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { committedTotal, endOffsets, readTopic, stackBrokers, uniqueName, waitFor } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  type BatchingProducer,
  DEAD_LETTER_HEADERS,
  ExactlyOnceProcessor,
  handle,
  type TopicSpec,
} from '../src/index.ts';
import type { Item } from './fixtures/item-topic.ts';
import { exitOf, ItemTopics, itemTopic, startFixture, testLogger } from './support.ts';

describe('ExactlyOnceProcessor against the real broker', () => {
  let items: ItemTopics;
  let kafka: Kafka;
  let admin: Admin;
  let producer: BatchingProducer;
  const declare = (...topics: TopicSpec<string, Item>[]) => items.declare(...topics);
  const produceItems = (topic: TopicSpec<string, Item>, count: number) => items.produce(topic, count, 17);

  async function endTotal(topic: string): Promise<bigint> {
    return [...(await endOffsets(admin, topic)).values()].reduce((a, b) => a + b, 0n);
  }

  before(async () => {
    items = await ItemTopics.open();
    ({ kafka, admin, producer } = items);
  });

  after(() => items.close());

  it('makes output, dead letters and offsets visible together to read_committed readers', async () => {
    const input = itemTopic('eos-in', 2);
    const output = itemTopic('eos-out', 2);
    await declare(input, output);
    await produceItems(input, 100);
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic: input.name, messages: [{ key: 'bad', value: 'not json' }] });
    await raw.disconnect();
    const appId = uniqueName('eos-app');
    const processor = new ExactlyOnceProcessor(
      kafka,
      {
        appId,
        handlers: [
          handle(input, (records, context) => {
            for (const record of records)
              context.send(output, { key: record.key, value: { ...record.value, text: 'done' } });
          }),
        ],
      },
      { registry: new Registry(), logger: testLogger },
    );
    const running = processor.start();
    await waitFor('all input offsets committed', async () =>
      (await committedTotal(kafka, appId, input.name)) === 101n ? true : undefined,
    );
    await processor.stop();
    await running;

    const outputs = await readTopic(kafka, output.name);
    assert.deepEqual(
      outputs.map((record) => (JSON.parse(record.value) as Item).id).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, id) => id),
    );
    const letters = await readTopic(kafka, input.deadLetterTopic);
    assert.equal(letters.length, 1);
    assert.equal(letters[0]?.headers[DEAD_LETTER_HEADERS.failure], 'malformed');
    assert.equal(processor.transactionalId(input.name, 1), `${appId}-${input.name}-1`);
  });

  it("splits a batch whose output exceeds the broker's 1 MiB message limit into several requests of one transaction", async () => {
    const input = itemTopic('eos-big-in', 1);
    const output = itemTopic('eos-big-out', 1);
    await declare(input, output);
    await produceItems(input, 3000);
    const appId = uniqueName('eos-big-app');
    const padding = 'x'.repeat(1_000);
    const processor = new ExactlyOnceProcessor(
      kafka,
      {
        appId,
        handlers: [
          handle(input, (records, context) => {
            for (const record of records)
              context.send(output, { key: record.key, value: { ...record.value, text: padding } });
          }),
        ],
      },
      { registry: new Registry(), logger: testLogger },
    );
    const running = processor.start();
    await waitFor('all input offsets committed', async () =>
      (await committedTotal(kafka, appId, input.name)) === 3000n ? true : undefined,
    );
    await processor.stop();
    await running;
    const outputs = await readTopic(kafka, output.name);
    assert.deepEqual(
      outputs.map((record) => (JSON.parse(record.value) as Item).id).sort((a, b) => a - b),
      Array.from({ length: 3000 }, (_, id) => id),
    );
  });

  it('after repeated SIGKILLs mid-stream, read_committed output equals the reference exactly once', async () => {
    const input = itemTopic('eos-kill-in', 3);
    const output = itemTopic('eos-kill-out', 3);
    await declare(input, output);
    const total = 12_000;
    const fanOut = 5;
    // Many small input batches make many small transactions, so a kill often lands inside one.
    for (let first = 0; first < total; first += 20) {
      const chunk = Array.from({ length: 20 }, (_, i) => first + i);
      await producer.send(
        input,
        chunk.map((id) => ({ key: `k${id % 17}`, value: { id, text: `item ${id}` } })),
      );
    }
    const appId = uniqueName('eos-kill-app');
    const env = {
      TRIBUTARY_KAFKA_BROKERS: (await stackBrokers()).join(','),
      INPUT_TOPIC: input.name,
      OUTPUT_TOPIC: output.name,
      APP_ID: appId,
      FAN_OUT: String(fanOut),
      MAX_BYTES_PER_PARTITION: '1024',
    };

    // A kill lands inside an open transaction only by chance, so the workers are killed until one
    // has: its aborted records then sit on the log beside the re-run's committed copies of the same
    // ids. At least six kills either way.
    const abortedOnLog = async () => {
      const ids = (await readTopic(kafka, output.name, { readUncommitted: true })).map(
        (record) => (JSON.parse(record.value) as Item).id,
      );
      return ids.length - new Set(ids).size;
    };
    let kills = 0;
    let aborted = 0;
    for (; kills < 30 && (kills < 6 || aborted === 0); kills += 1) {
      if ((await committedTotal(kafka, appId, input.name)) === BigInt(total)) break;
      const worker = startFixture('exactly-once-worker', env);
      const before = await endTotal(output.name);
      await waitFor(
        'output to advance',
        async () => ((await endTotal(output.name)) > before ? true : undefined),
        120_000,
      );
      // The new worker has fenced its predecessors, so their open transactions are aborted by now.
      if (kills >= 6) aborted = await abortedOnLog();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
      worker.child.kill('SIGKILL');
      await exitOf(worker.child);
    }

    const last = startFixture('exactly-once-worker', env);
    await waitFor(
      'the whole input committed',
      async () => ((await committedTotal(kafka, appId, input.name)) === BigInt(total) ? true : undefined),
      180_000,
    );
    last.child.kill('SIGTERM');
    assert.equal((await exitOf(last.child)).code, 0);

    assert.ok(kills >= 6, `only ${kills} kills landed mid-stream`);
    const outputs = await readTopic(kafka, output.name);
    const ids = outputs.map((record) => (JSON.parse(record.value) as Item).id).sort((a, b) => a - b);
    const reference = Array.from({ length: total * fanOut }, (_, id) => id);
    assert.deepEqual(ids, reference, 'each output exactly once');
    assert.ok(outputs.every((record) => (JSON.parse(record.value) as Item).text.startsWith('ITEM ')));
    // Evidence that kills hit open transactions: their aborted records are on the log, invisible above.
    aborted = await abortedOnLog();
    assert.ok(aborted > 0, `no aborted records on the log after ${kills} kills`);
    process.stdout.write(`${kills} kills; ${aborted} aborted records on the log\n`);
  });
});
