import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { analyzeLake, openSnapshot } from '@tributary/lake-analytics';
import { stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { type TaxiRide, taxiRides } from '@tributary/topics';
import type { Admin, Producer } from 'kafkajs';
import { assertReportMatches } from '../../services/lake-analytics/test/reference-report.ts';
import { sampleRides } from '../../services/lake-analytics/test/sample-rides.ts';

const repo = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));
const PARTITIONS = 3;

/**
 * lake-writer (a real process on the local stack) ingests rides while lake-analytics reports on the
 * table again and again: each report must equal the reference over exactly the rides its snapshot's
 * txn offsets say it holds, and the final one the reference over every ride.
 */
describe('analytics on the lake while lake-writer ingests', () => {
  let admin: Admin;
  let producer: Producer;
  let topic: string;
  let dir: string;
  let writer: ServiceProcess | undefined;
  /** The txn appId lake-writer records for an input partition. */
  let appIdOf: (partition: number) => string;
  const rides = sampleRides({ rows: 6000, seed: 21, from: Date.UTC(2014, 4, 1) });

  before(async () => {
    const brokers = await stackBrokers();
    const kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    topic = uniqueName('lake-analytics');
    const spec = defineTopic({
      ...taxiRides,
      name: topic,
      partitions: PARTITIONS,
      deadLetterTopic: `${topic}.dlq`,
    });
    await new TopicRegistry([spec], { defaultReplicationFactor: 1 }).ensure(admin);
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-analytics-e2e-'));
    const group = uniqueName('lake-analytics-writer');
    writer = new ServiceProcess(
      'lake-writer',
      repo('services/lake-writer/src/main.ts'),
      {
        TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
        TRIBUTARY_KAFKA_REPLICATION_FACTOR: '1',
        LAKE_WRITER_TOPIC: topic,
        LAKE_WRITER_GROUP_ID: group,
        LAKE_WRITER_TABLE_URI: path.join(dir, 'rides'),
        LAKE_WRITER_FLUSH_ROWS: '400',
        LAKE_WRITER_FLUSH_INTERVAL: '300ms',
      },
      { echoStderr: true },
    );
    await writer.running();
    appIdOf = (partition) => `${group}:${topic}:${partition}`;
  });
  after(async () => {
    writer?.kill('SIGKILL');
    await writer?.exited;
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => {});
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('every report reads one version: its analyses equal the reference over the rides up to its txn offsets', async (t) => {
    const table = path.join(dir, 'rides');
    // Ride i goes to partition i % 3, so its offset there is floor(i / 3): the txn offsets of a
    // version say exactly which rides it holds.
    const ridesUpTo = (offsets: readonly number[]): TaxiRide[] =>
      rides.filter((_, index) => Math.floor(index / PARTITIONS) < (offsets[index % PARTITIONS] ?? 0));
    const chunks = 8;
    const chunkSize = Math.ceil(rides.length / chunks);
    let producing = true;
    const production = (async () => {
      for (let start = 0; start < rides.length; start += chunkSize) {
        await producer.send({
          topic,
          messages: rides.slice(start, start + chunkSize).map((ride, offset) => ({
            key: ride.key,
            value: JSON.stringify(ride),
            partition: (start + offset) % PARTITIONS,
          })),
        });
        await sleep(400);
      }
      producing = false;
    })();

    const reportedMidStream: number[] = [];
    while (producing || reportedMidStream.length === 0) {
      const snapshot = await openSnapshot(table).catch(() => undefined);
      if (snapshot === undefined) {
        await sleep(100);
        continue;
      }
      const offsets = Array.from(
        { length: PARTITIONS },
        (_, p) => snapshot.transactions.get(appIdOf(p)) ?? 0,
      );
      const report = await analyzeLake(table, { version: snapshot.version });
      assertReportMatches(report, ridesUpTo(offsets));
      if (report.rows.read < rides.length) reportedMidStream.push(report.rows.read);
    }
    await production;
    t.diagnostic(`reports during ingestion read ${reportedMidStream.join(', ')} of ${rides.length} rows`);
    assert.ok(
      reportedMidStream.some((read) => read > 0),
      `at least one report ran on a partly ingested table (rows read: ${reportedMidStream.join(', ')})`,
    );

    const final = await waitFor(
      'lake-writer to commit every ride',
      async () => {
        const snapshot = await openSnapshot(table);
        const offsets = Array.from(
          { length: PARTITIONS },
          (_, p) => snapshot.transactions.get(appIdOf(p)) ?? 0,
        );
        return ridesUpTo(offsets).length === rides.length ? snapshot.version : undefined;
      },
      120_000,
      300,
    );
    const report = await analyzeLake(table, { version: final });
    assertReportMatches(report, rides);
    assert.ok(report.rows.filtered > 0 && report.rows.used > 0);
  });

  it("lake-writer's optimize compacts the files while reports run: every report sees every ride once", async (t) => {
    const table = path.join(dir, 'rides');
    const before = await openSnapshot(table);
    const optimize = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', repo('services/lake-writer/src/maintenance-cli.ts'), 'optimize', '--table', table],
      { encoding: 'utf8' },
    );
    let optimizing = true;
    void optimize.finally(() => {
      optimizing = false;
    });
    const versions = new Set<number>();
    while (optimizing) {
      const report = await analyzeLake(table);
      versions.add(report.table.version);
      assertReportMatches(report, rides);
    }
    await optimize;
    const after = await openSnapshot(table);
    t.diagnostic(
      `${before.files.length} files → ${after.files.length}; reports read versions ${[...versions].join(', ')}`,
    );
    assert.ok(after.files.length < before.files.length, 'optimize left fewer files');
    assertReportMatches(await analyzeLake(table), rides);
  });
});
