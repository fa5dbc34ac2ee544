// The chart's Kafka: its rendered server.properties and start steps (fill in the node id and pod
// name, format with --ignore-formatted and the derived cluster id, start) run by Kafka 4.1's own
// classes from the local stack's jars, on loopback instead of pod DNS names. No image, no pod: the
// classes are the ones the apache/kafka image ships, the scripts around them are not exercised.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kafkaRuntimePaths } from '@tributary/local-stack';
import { waitFor } from '@tributary/testing';
import { Kafka, logLevel } from 'kafkajs';
import { chartTools, ciValues, named, render, run } from './chart.ts';

const RELEASE = 'tributary';
const NAMESPACE = 'tributary';
const HEADLESS = `${RELEASE}-kafka-headless.${NAMESPACE}.svc.cluster.local`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function renderedKafka(valueFiles: string[]) {
  const { objects } = await render({ valueFiles, releaseName: RELEASE, namespace: NAMESPACE });
  const properties = named(objects, 'ConfigMap', `${RELEASE}-kafka`).data?.['server.properties'] ?? '';
  const statefulSet = named(objects, 'StatefulSet', `${RELEASE}-kafka`) as unknown as {
    spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
  };
  const clusterId = statefulSet.spec.template.spec.containers[0]?.env.find(
    (e) => e.name === 'CLUSTER_ID',
  )?.value;
  assert.ok(clusterId);
  return { properties, clusterId };
}

/** What the container's start command does with sed, plus loopback for the pod DNS names. */
function forNode(
  properties: string,
  node: number,
  dataDir: string,
  ports?: { broker: number; controller: number },
) {
  let text = properties
    .replace('@NODE_ID@', String(node))
    .replace('@POD_NAME@', `${RELEASE}-kafka-${node}`)
    .replace(/^log\.dirs=.*$/m, `log.dirs=${dataDir}`);
  if (ports !== undefined) {
    text = text
      .replaceAll(new RegExp(`${RELEASE}-kafka-\\d\\.${HEADLESS.replaceAll('.', '\\.')}`, 'g'), '127.0.0.1')
      .replaceAll(':9092', `:${ports.broker}`)
      .replaceAll(':9093', `:${ports.controller}`);
  }
  return text;
}

describe("the chart's Kafka configuration, run by Kafka 4.1.2's classes", () => {
  let dir: string;
  const java = (mainClass: string, args: string[]) => {
    const runtime = kafkaRuntimePaths();
    return [
      '-cp',
      `${runtime.libsDir}/*`,
      `-Dlog4j2.configurationFile=${runtime.log4jConfig}`,
      mainClass,
      ...args,
    ];
  };

  before(async () => {
    await chartTools();
    dir = await mkdtemp(path.join(tmpdir(), 'tributary-chart-kafka-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('every node of the 3-broker configuration formats its storage; a second format (a restart) leaves it', async () => {
    const { properties, clusterId } = await renderedKafka([ciValues('three-brokers')]);
    for (const node of [0, 1, 2]) {
      const file = path.join(dir, `node-${node}.properties`);
      await writeFile(file, forNode(properties, node, path.join(dir, `data-${node}`)));
      // Node 0 formats twice: a restarted pod finds its storage formatted already.
      for (const attempt of node === 0 ? [1, 2] : [1]) {
        const result = await run(
          'java',
          java('kafka.tools.StorageTool', [
            'format',
            '--ignore-formatted',
            '--cluster-id',
            clusterId,
            '--config',
            file,
          ]),
        );
        assert.equal(result.code, 0, `node ${node}, format ${attempt}: ${result.stdout}${result.stderr}`);
      }
    }
  });

  describe('a single node started from the default configuration', () => {
    let broker: ChildProcess | undefined;
    let bootstrap = '';

    before(async () => {
      const { properties, clusterId } = await renderedKafka([]);
      const ports = { broker: await freePort(), controller: await freePort() };
      const file = path.join(dir, 'single.properties');
      await writeFile(file, forNode(properties, 0, path.join(dir, 'single-data'), ports));
      const format = await run(
        'java',
        java('kafka.tools.StorageTool', [
          'format',
          '--ignore-formatted',
          '--cluster-id',
          clusterId,
          '--config',
          file,
        ]),
      );
      assert.equal(format.code, 0, format.stderr);
      broker = spawn('java', ['-Xms256m', '-Xmx256m', ...java('kafka.Kafka', [file])], { stdio: 'ignore' });
      bootstrap = `127.0.0.1:${ports.broker}`;
    });

    after(async () => {
      if (broker?.exitCode === null) {
        const exited = new Promise((resolve) => broker?.once('exit', resolve));
        broker.kill('SIGTERM');
        await exited;
      }
    });

    test('serves a topic at the replication the chart configured, round-trips a record', async () => {
      const kafka = new Kafka({
        clientId: 'chart-kafka-test',
        brokers: [bootstrap],
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await waitFor(
        'the chart-configured broker',
        async () => {
          try {
            await admin.connect();
            return true;
          } catch {
            return undefined;
          }
        },
        90_000,
        500,
      );
      try {
        await admin.createTopics({
          topics: [{ topic: 'chart.check', numPartitions: 2 }],
          waitForLeaders: true,
        });
        const [metadata] = (await admin.fetchTopicMetadata({ topics: ['chart.check'] })).topics;
        assert.equal(metadata?.partitions.length, 2);
        assert.equal(metadata?.partitions[0]?.replicas.length, 1);
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({
          topic: 'chart.check',
          messages: [{ key: 'k', value: 'through the chart config' }],
        });
        await producer.disconnect();
        const consumer = kafka.consumer({ groupId: 'chart-kafka-test' });
        await consumer.connect();
        await consumer.subscribe({ topic: 'chart.check', fromBeginning: true });
        const value = await new Promise<string>((resolve) => {
          void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
        });
        await consumer.disconnect();
        assert.equal(value, 'through the chart config');
      } finally {
        await admin.disconnect();
      }
    });
  });
});
