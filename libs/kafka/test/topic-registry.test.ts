import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringCodec } from '@tributary/schemas';
import { testKafka, uniqueName } from '@tributary/testing';
import kafkajs, { type Admin } from 'kafkajs';
import { defineTopic, TopicRegistry } from '../src/index.ts';
import { itemTopic } from './support.ts';

const { ConfigResourceTypes } = kafkajs;

describe('TopicRegistry against the real broker', () => {
  let admin: Admin;
  const created: string[] = [];

  before(async () => {
    admin = (await testKafka()).admin();
    await admin.connect();
  });

  after(async () => {
    await admin.deleteTopics({ topics: created }).catch(() => {});
    await admin.disconnect();
  });

  it('creates missing topics with the declared partitions and config, each with its dead-letter topic', async () => {
    const events = itemTopic('registry-events', 3);
    const counts = defineTopic({
      name: uniqueName('registry-counts'),
      doc: 'compacted counts',
      partitions: 2,
      replicationFactor: 1,
      key: stringCodec,
      value: stringCodec,
      cleanupPolicy: 'compact',
      retentionMs: 3_600_000,
      config: { 'min.compaction.lag.ms': '1000' },
    });
    const registry = new TopicRegistry([events, counts], { defaultReplicationFactor: 1 });
    created.push(...registry.topics.map((topic) => topic.name));

    const report = await registry.ensure(admin);

    assert.deepEqual(
      report.created.sort(),
      [events.name, `${events.name}.dlq`, counts.name, `${counts.name}.dlq`].sort(),
    );
    assert.deepEqual(report.drift, []);
    const metadata = await admin.fetchTopicMetadata({
      topics: [events.name, counts.name, `${events.name}.dlq`],
    });
    const partitionsOf = (name: string) =>
      metadata.topics.find((topic) => topic.name === name)?.partitions.length;
    assert.equal(partitionsOf(events.name), 3);
    assert.equal(partitionsOf(counts.name), 2);
    assert.equal(partitionsOf(`${events.name}.dlq`), 1);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: counts.name }],
    });
    const config = new Map(
      described.resources[0]?.configEntries.map((entry) => [entry.configName, entry.configValue]),
    );
    assert.equal(config.get('cleanup.policy'), 'compact');
    assert.equal(config.get('retention.ms'), '3600000');
    assert.equal(config.get('min.compaction.lag.ms'), '1000');
  });

  it('creates nothing the second time', async () => {
    const topic = itemTopic('registry-idempotent', 1);
    const registry = new TopicRegistry([topic], { defaultReplicationFactor: 1 });
    created.push(...registry.topics.map((t) => t.name));
    await registry.ensure(admin);
    assert.deepEqual(await registry.ensure(admin), { created: [], drift: [] });
  });

  it('reports drift of partitions and config without changing the topic', async () => {
    const declared = itemTopic('registry-drift', 3);
    created.push(declared.name, declared.deadLetterTopic);
    await admin.createTopics({
      topics: [
        {
          topic: declared.name,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    });
    const registry = new TopicRegistry([declared], { defaultReplicationFactor: 1 });

    const report = await registry.ensure(admin);

    assert.deepEqual(report.created, [declared.deadLetterTopic]);
    assert.deepEqual(
      report.drift.map(({ topic, setting, declared, actual }) => ({ topic, setting, declared, actual })),
      [
        { topic: declared.name, setting: 'partitions', declared: '3', actual: '1' },
        { topic: declared.name, setting: 'cleanup.policy', declared: 'delete', actual: 'compact' },
      ],
    );
    const metadata = await admin.fetchTopicMetadata({ topics: [declared.name] });
    assert.equal(metadata.topics[0]?.partitions.length, 1, 'ensure must not repartition a live topic');
  });

  it('reports a missing topic as drift', async () => {
    const registry = new TopicRegistry([itemTopic('registry-missing', 1)], { defaultReplicationFactor: 1 });
    const drift = await registry.drift(admin);
    assert.deepEqual(
      drift.map((d) => d.kind),
      ['missing', 'missing'],
    );
  });
});
