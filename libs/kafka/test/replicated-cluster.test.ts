import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@tributary/config';
import { type KafkaCluster, startKafkaCluster } from '@tributary/local-stack';
import { readTopic, testKafka } from '@tributary/testing';
import { BatchingProducer, createKafka, kafkaSettings, TopicRegistry } from '../src/index.ts';
import { itemTopic, testLogger } from './support.ts';

describe('acks=all on a 3-broker cluster (replication 3, min.insync.replicas 2)', () => {
  let cluster: KafkaCluster;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tributary-3brokers-'));
    cluster = await startKafkaCluster({ brokers: 3, dir, basePort: 29092 });
  });

  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps producing when a broker is killed, and every acknowledged record is read back', async () => {
    const settings = loadConfig(kafkaSettings, {
      TRIBUTARY_KAFKA_BROKERS: cluster.brokers.join(','),
      TRIBUTARY_KAFKA_REPLICATION_FACTOR: '3',
    });
    const kafka = createKafka(settings, testLogger);
    const topic = itemTopic('replicated', 3);
    const admin = kafka.admin();
    await admin.connect();
    await new TopicRegistry([topic], { defaultReplicationFactor: settings.replicationFactor }).ensure(admin);
    await admin.disconnect();
    const producer = new BatchingProducer(kafka, { lingerMs: 2 });
    await producer.connect();

    const acknowledged: number[] = [];
    let next = 0;
    const sendRound = async () => {
      const ids = Array.from({ length: 50 }, () => next++);
      await producer.send(
        topic,
        ids.map((id) => ({ key: String(id), value: { id, text: 'replicated' } })),
      );
      acknowledged.push(...ids);
    };
    for (let round = 0; round < 20; round += 1) await sendRound();
    // Reading once now also creates __consumer_offsets (replication 3), as on any cluster in use;
    // with a broker down it could not be created.
    assert.equal((await readTopic(await testKafka(cluster.brokers), topic.name)).length, 1000);
    const victim = cluster.nodes[1];
    assert.ok(victim);
    await cluster.kill(victim.id, 'SIGKILL');
    for (let round = 0; round < 40; round += 1) await sendRound();
    await producer.disconnect();

    const survivors = cluster.nodes.filter((node) => node.id !== victim.id).map((node) => node.address);
    const records = await readTopic(await testKafka(survivors), topic.name);
    const read = new Set(records.map((record) => (JSON.parse(record.value) as { id: number }).id));
    assert.equal(acknowledged.length, 3000);
    assert.deepEqual(
      acknowledged.filter((id) => !read.has(id)),
      [],
      'no acknowledged record is lost',
    );
    assert.equal(records.length, read.size, 'the idempotent producer wrote no duplicates');
  });
});
