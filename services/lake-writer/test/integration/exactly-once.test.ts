import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { readTopic, stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { taxiRides } from '@tributary/topics';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { readWithDeltalake, sampleRides, tempTableDir } from '../support.ts';
import { produceRides, startWriter, tableProgress } from './support.ts';

const PARTITIONS = 3;

describe('lake-writer as a process against the real broker', () => {
  let brokers: string[];
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const topics: string[] = [];
  const dirs: string[] = [];
  const processes: ServiceProcess[] = [];

  before(async () => {
    brokers = await stackBrokers();
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
  });

  after(async () => {
    for (const process of processes) process.kill('SIGKILL');
    await Promise.allSettled(processes.map((p) => p.exited));
    await producer.disconnect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function newTopic(prefix: string): Promise<string> {
    const name = uniqueName(prefix);
    const spec = defineTopic({ ...taxiRides, name, partitions: PARTITIONS, deadLetterTopic: `${name}.dlq` });
    await new TopicRegistry([spec], { defaultReplicationFactor: 1 }).ensure(admin);
    topics.push(name, spec.deadLetterTopic);
    return name;
  }

  async function newTable(): Promise<string> {
    const dir = await tempTableDir();
    dirs.push(dir);
    return dir;
  }

  async function endOffsets(topic: string): Promise<number[]> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
  }

  /** Until the table's txn versions reach the topic's end offsets: everything consumed is committed. */
  async function waitForTable(table: string, group: string, topic: string, timeoutMs = 150_000) {
    const ends = await endOffsets(topic);
    await waitFor(
      `table ${table} to reach offsets ${ends.join(',')}`,
      async () => {
        const progress = await tableProgress(table, group, topic, PARTITIONS);
        return progress.every((version, p) => version >= (ends[p] ?? 0)) ? progress : undefined;
      },
      timeoutMs,
      500,
    );
  }

  test('kill -9 of the writer five times mid-stream: every ride is in the table exactly once (read by delta-rs)', async () => {
    const topic = await newTopic('lake-eos');
    const table = await newTable();
    const group = uniqueName('lake-eos');
    const rides = sampleRides(24_000, { seed: 11, days: 6 });
    const chunk = rides.length / 6;
    await produceRides(producer, topic, rides.slice(0, chunk));
    // Two records no reader can decode: they go to the dead-letter topic, the stream goes on.
    await producer.send({
      topic,
      messages: [
        { key: 'bad-1', value: 'not json' },
        { key: 'bad-2', value: '{"key":1}' },
      ],
    });
    let kills = 0;
    for (let round = 1; round <= 5; round++) {
      const writer = startWriter(`lake-writer-${round}`, { brokers, topic, group, table });
      processes.push(writer);
      await writer.running();
      const seen = writer.logs.length;
      await produceRides(producer, topic, rides.slice(round * chunk, (round + 1) * chunk));
      // Kill at a different moment each round: after 1–3 commits of this process, plus a random delay.
      for (let commits = 0; commits < 1 + (round % 3); commits++) {
        await writer.waitForLog((line) => line.msg === 'committed', seen + commits);
      }
      await sleep(Math.floor(Math.random() * 400));
      writer.kill('SIGKILL');
      const exit = await writer.exited;
      assert.equal(exit.signal, 'SIGKILL');
      kills++;
    }
    const last = startWriter('lake-writer-final', { brokers, topic, group, table });
    processes.push(last);
    await last.running();
    await waitForTable(table, group, topic);
    const stopped = await last.stop();
    assert.equal(stopped.code, 0);
    assert.equal(kills, 5);

    const view = await readWithDeltalake(table);
    const keys = view.rows.map((row) => row[0]);
    assert.equal(view.numRows, rides.length, 'row count equals the rides produced');
    assert.equal(new Set(keys).size, rides.length, 'no ride twice');
    assert.deepEqual([...keys].sort(), rides.map((ride) => ride.key).sort(), 'every ride once');
    const byKey = new Map(rides.map((ride) => [ride.key, ride]));
    for (const [key, fare, pickup, passengers, date] of view.rows.slice(0, 500)) {
      const ride = byKey.get(key);
      assert.ok(ride);
      assert.equal(fare, ride.fareAmount);
      assert.equal(pickup, ride.pickupDatetime.replace('.000Z', '+00:00'));
      assert.equal(passengers, ride.passengerCount);
      assert.equal(date, ride.pickupDatetime.slice(0, 10));
    }
    const deadLetters = await readTopic(kafka, `${topic}.dlq`);
    const origins = new Set(
      deadLetters.map(
        (r) => `${r.headers['tributary.dlq.origin.partition']}/${r.headers['tributary.dlq.origin.offset']}`,
      ),
    );
    assert.equal(origins.size, 2, 'both bad records are dead letters (at least once)');
    assert.ok(deadLetters.every((r) => r.headers['tributary.dlq.reason']));
  });
});
