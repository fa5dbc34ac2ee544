import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchingProducer, TopicRegistry } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { committedByPartition, committedTotal, testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { RegimePrediction } from '@tributary/topics';
import type { Admin, Kafka } from 'kafkajs';
import {
  createDatabase,
  metricSum,
  PrivateInfluxd,
  predictions,
  regimeTopic,
  SinkProcess,
  storedPoints,
} from './support.ts';

/** Every record of a topic with its partition and offset, once `expected` have been read. */
async function readAll(kafka: Kafka, topic: string, expected: number) {
  const records: { partition: number; offset: bigint; value: RegimePrediction }[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({
        partition,
        offset: BigInt(message.offset),
        value: JSON.parse(message.value?.toString() ?? 'null') as RegimePrediction,
      });
    },
  });
  await waitFor('the whole topic read', () => (records.length >= expected ? true : undefined), 120_000);
  await consumer.disconnect();
  return records;
}

describe('influx-sink while its InfluxDB is down for 30 s under load', () => {
  let kafka: Kafka;
  let admin: Admin;
  let workDir: string;
  const topics: string[] = [];

  before(async () => {
    kafka = await testKafka((await readStackState()).kafka.brokers);
    admin = kafka.admin();
    await admin.connect();
    workDir = await mkdtemp(path.join(tmpdir(), 'influx-sink-outage-'));
  });

  after(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await rm(workDir, { recursive: true, force: true });
  });

  it('pauses instead of committing, commits nothing it has not written, and delivers every record once InfluxDB is back', async () => {
    const influxd = await PrivateInfluxd.create(path.join(workDir, 'influxd'));
    const snapshot = await PrivateInfluxd.create(path.join(workDir, 'snapshot'));
    const sink = { process: undefined as SinkProcess | undefined };
    const producer = new BatchingProducer(kafka);
    try {
      await influxd.start();
      const db = 'outage';
      await createDatabase(influxd.url, db);
      const topic = regimeTopic('outage');
      const registry = new TopicRegistry([topic], { defaultReplicationFactor: 1 });
      await registry.ensure(admin);
      topics.push(...registry.topics.map((t) => t.name));
      const groupId = uniqueName('group');
      const process = new SinkProcess({
        SINK_TEST_TOPIC: topic.name,
        TRIBUTARY_KAFKA_BROKERS: (await readStackState()).kafka.brokers.join(','),
        INFLUX_URL: influxd.url,
        INFLUX_BUCKET: db,
        INFLUX_SINK_GROUP_ID: groupId,
        INFLUX_SINK_PING_INTERVAL: '1s',
        INFLUX_SINK_WRITE_TIMEOUT: '2s',
      });
      sink.process = process;
      await process.httpPort();

      // About 1,000 readings a second until told to stop.
      await producer.connect();
      let produced = 0;
      let producing = true;
      const production = (async () => {
        while (producing) {
          const values = predictions(100, produced);
          await producer.send(
            topic,
            values.map((value) => ({ key: value.machine, value })),
          );
          produced += values.length;
          await sleep(100);
        }
      })();

      await waitFor(
        'points flowing',
        async () =>
          metricSum(await process.metrics(), 'influx_sink_points_written_total') >= 3000 ? true : undefined,
        120_000,
      );
      await influxd.stop();
      const stoppedAt = performance.now();
      await sleep(3000);
      const committedAtOutage = await committedByPartition(admin, groupId, topic.name);
      const totalAtOutage = await committedTotal(kafka, groupId, topic.name);

      // What InfluxDB held when it went down, read from a copy of its files on another port.
      await cp(influxd.dir, snapshot.dir, { recursive: true });
      await snapshot.start();
      const held = new Set((await storedPoints(snapshot.url, db)).map((p) => `${p.machine}@${p.time}`));
      await snapshot.stop();

      const samples: bigint[] = [];
      while (performance.now() - stoppedAt < 30_000) {
        samples.push(await committedTotal(kafka, groupId, topic.name));
        await sleep(1000);
      }
      const during = await process.metrics();
      const ready = await process.ready();
      await influxd.start();
      const restartedAt = performance.now();
      await sleep(5000);
      producing = false;
      await production;

      await waitFor(
        'every offset committed',
        async () =>
          (await committedTotal(kafka, groupId, topic.name)) === BigInt(produced) ? true : undefined,
        120_000,
      );
      const recoverySeconds = (performance.now() - restartedAt) / 1000;
      const pauses = process.logs.filter(
        (line) => line.msg === 'batch not committed; pausing the partition before a retry',
      );
      const failures = metricSum(during, 'influx_sink_write_failures_total');
      console.log(
        `outage: ${produced} produced, ${totalAtOutage} committed when InfluxDB stopped, ${held.size} points held then; ` +
          `${failures} failed writes and ${pauses.length} partition pauses during the outage; all committed ${recoverySeconds.toFixed(1)} s after the restart`,
      );

      assert.ok(
        samples.every((sample) => sample === totalAtOutage),
        `committed stayed at ${totalAtOutage}: ${samples.join(',')}`,
      );
      assert.equal(ready, false, 'not ready while InfluxDB is down');
      assert.ok(failures > 0, 'failed writes counted');
      assert.ok(pauses.length > 0, 'partitions paused');

      const records = await readAll(kafka, topic.name, produced);
      for (const record of records) {
        const committed = committedAtOutage.get(record.partition) ?? 0n;
        if (record.offset < committed) {
          assert.ok(
            held.has(`${record.value.machine}@${record.value.timestamp}`),
            `offset ${record.partition}/${record.offset} was committed before InfluxDB had its point`,
          );
        }
      }
      const stored = await storedPoints(influxd.url, db);
      assert.equal(stored.length, produced, 'no duplicates');
      assert.equal(new Set(stored.map((p) => `${p.machine}@${p.time}`)).size, produced, 'every record once');
    } finally {
      sink.process?.kill('SIGTERM');
      await sink.process?.exited;
      await producer.disconnect().catch(() => {});
      await influxd.stop();
      await snapshot.stop();
    }
  });
});
