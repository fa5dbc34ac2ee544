import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runScript } from '@tributary/demo';
import { consumerGroupLag, defineTopic, growPartitions, partitionCount } from '@tributary/kafka';
import { stringCodec } from '@tributary/schemas';
import { committedByPartition, stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { declaredTopics, describeDeclaredTopics, topicRegistry } from '../src/index.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

async function produce(kafka: Kafka, topic: string, perPartition: readonly number[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: perPartition.flatMap((count, partition) =>
      Array.from({ length: count }, (_, i) => ({ partition, value: `p${partition}-${i}` })),
    ),
  });
  await producer.disconnect();
}

describe('tributary-ops, Kafka side, against the real broker', () => {
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

  it('reports lag per partition as produced minus committed by a real consumer group', async () => {
    const topic = uniqueName('ops-lag');
    const group = uniqueName('ops-lag-group');
    topics.push(topic);
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const firstRound = [5, 7, 0];
    await produce(kafka, topic, firstRound);

    // A real member of the group reads the first round and commits it on the way out.
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await consumer.run({
      eachMessage: async () => {
        seen += 1;
      },
    });
    await waitFor('the first round consumed', () => (seen === 12 ? true : undefined), 60_000);
    await consumer.disconnect();
    const committed = await committedByPartition(admin, group, topic);
    // (the helper reads "no commit" on partition 2 as 0)
    assert.deepEqual([...committed.entries()].sort(), [
      [0, 5n],
      [1, 7n],
      [2, 0n],
    ]);

    const secondRound = [3, 0, 4];
    await produce(kafka, topic, secondRound);
    const lag = await consumerGroupLag(admin, [group]);

    assert.deepEqual(
      lag.map(({ partition, committed, end, lag }) => ({ partition, committed, end, lag })),
      [
        { partition: 0, committed: 5n, end: 8n, lag: 3n },
        { partition: 1, committed: 7n, end: 7n, lag: 0n },
        // Never committed on: everything retained counts as lag.
        { partition: 2, committed: null, end: 4n, lag: 4n },
      ],
    );
    for (const row of lag) {
      const produced = BigInt((firstRound[row.partition] ?? 0) + (secondRound[row.partition] ?? 0));
      assert.equal(row.lag, produced - (row.committed ?? 0n), `partition ${row.partition}`);
      assert.equal(row.group, group);
      assert.equal(row.topic, topic);
    }
  });

  it('reports a declared input topic the group has never committed on as all lag, and skips one that does not exist', async () => {
    const topic = uniqueName('ops-lag-new');
    topics.push(topic);
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await produce(kafka, topic, [2, 1]);
    const lag = await consumerGroupLag(
      admin,
      [uniqueName('ops-idle-group')],
      [topic, uniqueName('ops-absent')],
    );
    assert.deepEqual(
      lag.map(({ partition, lag }) => [partition, lag]),
      [
        [0, 2n],
        [1, 1n],
      ],
    );
  });

  it('grows a topic to more partitions and never shrinks it', async () => {
    const topic = uniqueName('ops-grow');
    topics.push(topic);
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await growPartitions(admin, topic, 5);
    assert.equal(await partitionCount(admin, topic), 5);
    await growPartitions(admin, topic, 3);
    assert.equal(await partitionCount(admin, topic), 5);
    await assert.rejects(partitionCount(admin, uniqueName('ops-absent')), { code: 'TOPIC_NOT_FOUND' });
  });

  it('describes declared topics against the cluster and shows partition and config drift', async () => {
    const name = uniqueName('ops-drift');
    const declared = defineTopic({
      name,
      doc: 'declared with 4 partitions and a day of retention',
      partitions: 4,
      key: stringCodec,
      value: stringCodec,
      retentionMs: 86_400_000,
    });
    topics.push(name, declared.deadLetterTopic);
    // The live topic was made by hand: 2 partitions, no retention set, and no dead-letter topic.
    await admin.createTopics({
      topics: [{ topic: name, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const registry = topicRegistry([declared], { replicationFactor: 1 });

    const report = await describeDeclaredTopics(admin, registry);

    assert.deepEqual(
      report.topics.map(({ declared, actual }) => [
        declared.name,
        declared.partitions,
        actual?.partitions.length,
      ]),
      [
        [name, 4, 2],
        [declared.deadLetterTopic, 1, undefined],
      ],
    );
    assert.deepEqual(
      report.drift.map(({ topic, kind, setting, declared, actual }) => ({
        topic,
        kind,
        setting,
        declared,
        actual,
      })),
      [
        {
          topic: declared.deadLetterTopic,
          kind: 'missing',
          setting: 'topic',
          declared: 'present',
          actual: 'absent',
        },
        { topic: name, kind: 'partitions', setting: 'partitions', declared: '4', actual: '2' },
        { topic: name, kind: 'config', setting: 'retention.ms', declared: '86400000', actual: '604800000' },
      ],
    );

    // Creating from the registry adds only what is missing; the live topic keeps its drift.
    const ensured = await registry.ensure(admin);
    assert.deepEqual(ensured.created, [declared.deadLetterTopic]);
    assert.deepEqual(
      ensured.drift.map((d) => d.setting),
      ['partitions', 'retention.ms'],
    );
  });

  it('knows every topic @tributary/topics declares, and refuses an undeclared name', () => {
    const names = declaredTopics().map((topic) => topic.name);
    assert.ok(names.includes('machine.temperature'), names.join(', '));
    assert.ok(names.includes('machine.regime'));
    assert.throws(() => topicRegistry(declaredTopics(), { replicationFactor: 1, only: ['no.such.topic'] }), {
      code: 'INVALID_ARGUMENT',
    });
  });

  it('describes a declared topic through the tributary-ops command as JSON', async () => {
    const brokers = (await stackBrokers()).join(',');
    const output = await runScript(cli, ['--json', 'topics', 'describe', 'machine.temperature'], {
      TRIBUTARY_KAFKA_BROKERS: brokers,
    });
    const report = JSON.parse(output) as {
      topics: { declared: { name: string; partitions: number } }[];
      drift: unknown[];
    };
    assert.deepEqual(
      report.topics.map((t) => t.declared.name),
      ['machine.temperature', 'machine.temperature.dlq'],
    );
    assert.ok(Array.isArray(report.drift));
  });
});
