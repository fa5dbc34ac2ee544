import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStackState } from '@tributary/local-stack';
import { committedByPartition, grpcHealth, uniqueName } from '@tributary/testing';
import { Kafka, logLevel } from 'kafkajs';
import { sample, startFixtureService } from './support.ts';

describe('a consumer service on the kit and the Kafka layer, run as a process', () => {
  let kafka: Kafka;
  let brokers: string[];
  const topics: string[] = [];

  before(async () => {
    brokers = (await readStackState()).kafka.brokers;
    kafka = new Kafka({ clientId: 'tributary-test', brokers, logLevel: logLevel.NOTHING });
  });

  after(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  });

  it('serves metrics and health while consuming, and on SIGTERM commits the batch in flight and exits 0', async () => {
    const topic = uniqueName('sigterm');
    const groupId = uniqueName('sigterm-group');
    topics.push(topic);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    // One request per record: each is its own record batch, so small fetches hand over a few at a time.
    for (let i = 0; i < 60; i += 1) await producer.send({ topic, messages: [{ key: 'k', value: `v${i}` }] });
    await producer.disconnect();
    const sinkFile = join(await mkdtemp(join(tmpdir(), 'tributary-sigterm-')), 'sink.txt');

    const service = startFixtureService('consumer-service', {
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      TRIBUTARY_SHUTDOWN_DEADLINE: '30s',
      FIXTURE_TOPIC: topic,
      FIXTURE_GROUP_ID: groupId,
      FIXTURE_SINK_FILE: sinkFile,
      FIXTURE_BATCH_DELAY: '1500ms',
    });
    const running = await service.running();
    const httpUrl = `http://127.0.0.1:${running.httpPort}`;
    const grpcAddress = `127.0.0.1:${running.grpcPort}`;
    await service.waitForLog((line) => line.msg === 'batch finished');

    assert.equal((await fetch(`${httpUrl}/readyz`)).status, 200);
    assert.equal(await grpcHealth(grpcAddress), 'SERVING');
    const exposition = await (await fetch(`${httpUrl}/metrics`)).text();
    assert.ok((sample(exposition, 'tributary_messages_consumed_total', { topic }) ?? 0) > 0);
    assert.ok((sample(exposition, 'tributary_processing_latency_seconds_count', { topic }) ?? 0) >= 1);
    const lag = sample(exposition, 'tributary_consumer_lag_messages', {
      group: groupId,
      topic,
      partition: '0',
    });
    assert.ok(lag !== undefined && lag > 0 && lag < 60, `lag ${lag} after the first batch`);
    assert.ok((sample(exposition, 'process_resident_memory_bytes') ?? 0) > 0);

    const inFlight = service.logs.length;
    await service.waitForLog((line) => line.msg === 'batch started', inFlight);
    service.kill('SIGTERM');
    const exit = await service.exited;

    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(
      service.logs.slice(inFlight).some((line) => line.msg === 'batch finished'),
      'the batch in flight was finished',
    );
    const processed = readFileSync(sinkFile, 'utf8').trim().split('\n');
    assert.ok(processed.length < 60, 'the service stopped before the end of the topic');
    const offsets = kafka.admin();
    await offsets.connect();
    const committed = await committedByPartition(offsets, groupId, topic);
    await offsets.disconnect();
    assert.equal(committed.get(0), BigInt(processed.length), 'exactly the finished work is committed');
  });
});
