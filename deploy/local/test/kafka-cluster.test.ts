import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { type KafkaCluster, startKafkaCluster } from '../src/index.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function brokerIds(brokers: string[]): Promise<number[]> {
  const admin = new Kafka({ clientId: 'cluster-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).brokers.map((broker) => broker.nodeId).sort();
  } finally {
    await admin.disconnect();
  }
}

describe('a throw-away 3-broker cluster', () => {
  let dir: string;
  let cluster: KafkaCluster;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tributary-cluster-test-'));
    cluster = await startKafkaCluster({ brokers: 3, dir, basePort: 0 });
  });

  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('registers all 3 brokers in describeCluster', async () => {
    assert.equal(cluster.brokers.length, 3);
    assert.deepEqual(await brokerIds(cluster.brokers), [1, 2, 3]);
  });

  test('kill() ends one node while the others keep answering', async () => {
    const victim = cluster.nodes.find((node) => node.id === 3);
    assert.ok(victim);
    await cluster.kill(3, 'SIGKILL');
    assert.equal(alive(victim.pid), false);
    assert.ok((await brokerIds(cluster.brokers.slice(0, 2))).includes(1));
  });

  test('stop() leaves no node process running', async () => {
    await cluster.stop();
    for (const node of cluster.nodes)
      assert.equal(alive(node.pid), false, `kafka-${node.id} (pid ${node.pid})`);
  });
});
