import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchingProducer, DEAD_LETTER_HEADERS, TopicRegistry, type TopicSpec } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { committedTotal, influxQuery, testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { RegimePrediction } from '@tributary/topics';
import type { Admin, Kafka } from 'kafkajs';
import {
  createDatabase,
  dropDatabase,
  metricSum,
  predictions,
  regimeTopic,
  SinkProcess,
  storedPoints,
} from './support.ts';

describe('influx-sink against the real Kafka and InfluxDB', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: BatchingProducer;
  let influxUrl: string;
  let brokers: string[];
  const topics: string[] = [];
  const databases: string[] = [];
  const sinks: SinkProcess[] = [];

  async function declare(prefix: string): Promise<TopicSpec<string, RegimePrediction>> {
    const topic = regimeTopic(prefix);
    const registry = new TopicRegistry([topic], { defaultReplicationFactor: 1 });
    await registry.ensure(admin);
    topics.push(...registry.topics.map((t) => t.name));
    return topic;
  }

  async function database(): Promise<string> {
    const db = uniqueName('sink').replaceAll('.', '_');
    await createDatabase(influxUrl, db);
    databases.push(db);
    return db;
  }

  function sink(topic: string, groupId: string, db: string, env: Record<string, string> = {}): SinkProcess {
    const process = new SinkProcess({
      SINK_TEST_TOPIC: topic,
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      INFLUX_URL: influxUrl,
      INFLUX_BUCKET: db,
      INFLUX_SINK_GROUP_ID: groupId,
      ...env,
    });
    sinks.push(process);
    return process;
  }

  async function send(topic: TopicSpec<string, RegimePrediction>, values: RegimePrediction[]) {
    for (let start = 0; start < values.length; start += 1000) {
      await producer.send(
        topic,
        values.slice(start, start + 1000).map((value) => ({ key: value.machine, value })),
      );
    }
  }

  before(async () => {
    const stack = await readStackState();
    brokers = stack.kafka.brokers;
    influxUrl = stack.influx.url;
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    producer = new BatchingProducer(kafka);
    await producer.connect();
  });

  after(async () => {
    for (const process of sinks) process.kill('SIGKILL');
    await producer.disconnect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    for (const db of databases) await dropDatabase(influxUrl, db);
  });

  it('writes each record as one point with its tags, fields and event time; a redelivery from earliest overwrites instead of duplicating', async () => {
    const topic = await declare('points');
    const db = await database();
    const groupId = uniqueName('group');
    const input = predictions(1200);
    await send(topic, input);

    const started = performance.now();
    const first = sink(topic.name, groupId, db);
    await waitFor(
      'every offset committed',
      async () =>
        (await committedTotal(kafka, groupId, topic.name)) === BigInt(input.length) ? true : undefined,
      120_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const exposition = await first.metrics();
    assert.equal(
      metricSum(exposition, 'influx_sink_points_written_total', { measurement: 'machine_regime' }),
      1200,
    );
    const writes = metricSum(exposition, 'influx_sink_write_points_count');
    console.log(
      `first pass: ${input.length} points in ${seconds.toFixed(1)} s incl. start-up, ${writes} writes, ${(input.length / writes).toFixed(0)} points/write`,
    );
    assert.equal(await first.ready(), true, 'ready: consumer joined and InfluxDB answers');

    const stored = await storedPoints(influxUrl, db);
    assert.equal(stored.length, input.length);
    const byKey = new Map(stored.map((point) => [`${point.machine}@${point.time}`, point]));
    for (const expected of input) {
      const point = byKey.get(`${expected.machine}@${expected.timestamp}`);
      assert.ok(point, `point of ${expected.machine} at ${expected.timestamp}`);
      assert.deepEqual(point, {
        time: expected.timestamp,
        machine: expected.machine,
        regime: String(expected.regime),
        temperature: expected.temperature,
        confidence: expected.confidence,
        regimeId: expected.regime,
        modelVersion: expected.modelVersion,
      });
    }

    first.kill('SIGTERM');
    assert.deepEqual(await first.exited, { code: 0, signal: null });
    await admin.resetOffsets({ groupId, topic: topic.name, earliest: true });
    assert.equal(await committedTotal(kafka, groupId, topic.name), 0n);

    const second = sink(topic.name, groupId, db);
    await waitFor(
      'every offset committed again',
      async () =>
        (await committedTotal(kafka, groupId, topic.name)) === BigInt(input.length) ? true : undefined,
      120_000,
    );
    assert.equal(
      metricSum(await second.metrics(), 'influx_sink_points_written_total'),
      1200,
      'the whole topic was written a second time',
    );
    const [[, count] = []] = await influxQuery(
      influxUrl,
      db,
      'SELECT count("temperature") FROM "machine_regime"',
    );
    assert.equal(count, input.length, 'same point count after the redelivery');
    second.kill('SIGTERM');
    assert.deepEqual(await second.exited, { code: 0, signal: null });
  });

  it('after kill -9 mid-stream and a restart, InfluxDB holds every reading exactly once', async () => {
    const topic = await declare('kill9');
    const db = await database();
    const groupId = uniqueName('group');
    const total = 30_000;
    // A small fetch size keeps the sink mid-stream for a while.
    const env = { INFLUX_SINK_MAX_POINTS_PER_WRITE: '500' };
    const first = sink(topic.name, groupId, db, env);
    await first.httpPort();
    const producing = (async () => {
      for (let from = 0; from < total; from += 1000) {
        await send(topic, predictions(1000, from));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await waitFor(
      'some points written',
      async () =>
        metricSum(await first.metrics(), 'influx_sink_points_written_total') >= 3000 ? true : undefined,
      120_000,
    );
    first.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    const committedAtKill = await committedTotal(kafka, groupId, topic.name);
    await producing;
    assert.ok(
      committedAtKill < BigInt(total),
      `killed mid-stream (committed ${committedAtKill} of ${total})`,
    );

    const started = performance.now();
    const second = sink(topic.name, groupId, db, env);
    await waitFor(
      'every offset committed',
      async () => ((await committedTotal(kafka, groupId, topic.name)) === BigInt(total) ? true : undefined),
      120_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const exposition = await second.metrics();
    const written = metricSum(exposition, 'influx_sink_points_written_total');
    const writes = metricSum(exposition, 'influx_sink_write_seconds_count');
    const writeSeconds = metricSum(exposition, 'influx_sink_write_seconds_sum');
    console.log(
      `after restart: ${writes} writes, ${(written / writes).toFixed(0)} points/write, ${((writeSeconds / writes) * 1000).toFixed(0)} ms/write, ${(written / writeSeconds).toFixed(0)} points/s while writing`,
    );
    console.log(
      `after restart: ${written} points in ${seconds.toFixed(1)} s incl. the dead member's session timeout; committed at kill ${committedAtKill}`,
    );
    const stored = await storedPoints(influxUrl, db);
    const distinct = new Set(stored.map((point) => `${point.machine}@${point.time}`));
    assert.equal(stored.length, total, 'no duplicate points');
    assert.equal(distinct.size, total, 'every machine+timestamp once');
    for (const expected of predictions(total)) {
      assert.ok(distinct.has(`${expected.machine}@${expected.timestamp}`), 'none missing');
    }
    second.kill('SIGTERM');
    await second.exited;
  });

  it('sends unmappable records to the DLQ with their reason and writes the rest', async () => {
    const topic = await declare('dlq');
    const db = await database();
    const groupId = uniqueName('group');
    const good = predictions(12);
    const raw = kafka.producer();
    await raw.connect();
    const message = (value: unknown) => ({ key: 'm0', value: JSON.stringify(value) });
    await raw.send({
      topic: topic.name,
      messages: [
        ...good.slice(0, 6).map(message),
        { key: 'm0', value: '{"machine": "m0", ' },
        message({ ...good[0], timestamp: undefined }),
        { key: 'm0', value: JSON.stringify(good[0]).replace(/"temperature":[^,]+/, '"temperature":1e999') },
        message({ ...good[0], timestamp: 99_999_999_999_999 }),
        ...good.slice(6).map(message),
      ],
    });
    await raw.disconnect();

    const process = sink(topic.name, groupId, db);
    await waitFor(
      'every offset committed',
      async () => ((await committedTotal(kafka, groupId, topic.name)) === 16n ? true : undefined),
      120_000,
    );
    const stored = await storedPoints(influxUrl, db);
    assert.equal(stored.length, 12, 'the good records around the bad ones were written');

    const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: topic.deadLetterTopic, fromBeginning: true });
    const letters: Record<string, string>[] = [];
    await consumer.run({
      eachMessage: async ({ message: letter }) => {
        letters.push(
          Object.fromEntries(Object.entries(letter.headers ?? {}).map(([k, v]) => [k, String(v)])),
        );
      },
    });
    await waitFor('four dead letters', () => (letters.length >= 4 ? true : undefined), 120_000);
    await consumer.disconnect();
    const reasons = letters.map(
      (headers) => `${headers[DEAD_LETTER_HEADERS.failure]}: ${headers[DEAD_LETTER_HEADERS.reason]}`,
    );
    assert.equal(letters.length, 4);
    assert.deepEqual(
      letters.map((headers) => headers[DEAD_LETTER_HEADERS.offset]),
      ['6', '7', '8', '9'],
    );
    assert.match(reasons[0] ?? '', /^malformed/);
    assert.match(reasons[1] ?? '', /^schema: .*timestamp/);
    assert.match(reasons[2] ?? '', /temperature/);
    assert.match(reasons[3] ?? '', /^rejected: unmappable: timestamp: .* outside InfluxDB's time range/);
    console.log(`dead-letter reasons:\n  ${reasons.join('\n  ')}`);
    process.kill('SIGTERM');
    await process.exited;
  });
});
