import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEAD_LETTER_HEADERS } from '@tributary/kafka';
import { type ReadRecord, readTopic, testKafka, uniqueName } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { parseSourceArgs } from '../src/config.ts';
import { runSource } from '../src/run.ts';

const logger = pino({ level: process.env.TRIBUTARY_TEST_LOG ?? 'silent' });
/** Everything on a topic up to its end when called, in partition/offset order. */
async function readAll(kafka: Kafka, topic: string): Promise<ReadRecord[]> {
  return (await readTopic(kafka, topic)).sort((a, b) => a.partition - b.partition);
}

describe('sensor-source against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let dir: string;
  const topics: string[] = [];

  before(async () => {
    kafka = await testKafka();
    admin = kafka.admin();
    await admin.connect();
    dir = await mkdtemp(join(tmpdir(), 'sensor-source-'));
  });

  after(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('a bounded generated run lands exactly N readings keyed by machine, the same for the same seed', async () => {
    const runs: ReadRecord[][] = [];
    for (let run = 0; run < 2; run++) {
      const topic = uniqueName('source-generated');
      topics.push(topic, `${topic}.dlq`);
      const options = parseSourceArgs([
        '--mode=generated',
        '--count=5000',
        '--machines=7',
        '--seed=9',
        '--rate=max',
        '--start-time=2024-03-01T00:00:00Z',
        `--topic=${topic}`,
      ]);
      const report = await runSource(options, { kafka, logger });
      assert.equal(report.produced, 5_000);
      runs.push(await readAll(kafka, topic));
    }
    const [first, second] = runs as [ReadRecord[], ReadRecord[]];
    assert.equal(first.length, 5_000);
    const machines = new Set<string>();
    const partitionOf = new Map<string, number>();
    for (const record of first) {
      const reading = JSON.parse(record.value) as { machine: string; timestamp: number };
      assert.equal(record.key, reading.machine);
      machines.add(reading.machine);
      // Keyed by machine: one machine, one partition.
      assert.equal(partitionOf.get(reading.machine) ?? record.partition, record.partition);
      partitionOf.set(reading.machine, record.partition);
    }
    assert.equal(machines.size, 7);
    assert.deepEqual(
      second.map((record) => record.value),
      first.map((record) => record.value),
    );
  });

  it('a file replay sends its bad lines to the DLQ with line number and reason, and the good ones on', async () => {
    const topic = uniqueName('source-file');
    topics.push(topic, `${topic}.dlq`);
    const file = join(dir, 'readings.jsonl');
    const lines = [
      '{"machine":"m1","timestamp":1000,"temperature":50.5}',
      'not json at all',
      '{"machine":"m1","timestamp":2000,"temperature":"hot"}',
      '{"machine":"m2","timestamp":1000,"temperature":61}',
      '',
      '{"machine":"m1","timestamp":3000}',
      '{"machine":"m2","timestamp":2000,"temperature":60}',
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    const report = await runSource(
      parseSourceArgs(['--mode=file', `--file=${file}`, '--rate=max', `--topic=${topic}`]),
      { kafka, logger },
    );
    assert.deepEqual(
      { produced: report.produced, deadLettered: report.deadLettered },
      { produced: 3, deadLettered: 3 },
    );
    const readings = await readAll(kafka, topic);
    assert.deepEqual(
      readings.map((record) => JSON.parse(record.value).timestamp as number).sort(),
      [1000, 1000, 2000],
    );
    const letters = await readAll(kafka, `${topic}.dlq`);
    assert.deepEqual(
      letters.map((letter) => [letter.headers[DEAD_LETTER_HEADERS.line], letter.value]),
      [
        ['2', lines[1]],
        ['3', lines[2]],
        ['6', lines[5]],
      ],
    );
    assert.match(letters[0]?.headers[DEAD_LETTER_HEADERS.reason] ?? '', /invalid JSON/);
    assert.match(letters[1]?.headers[DEAD_LETTER_HEADERS.reason] ?? '', /temperature/);
    assert.equal(letters[2]?.headers[DEAD_LETTER_HEADERS.file], file);
  });
});
